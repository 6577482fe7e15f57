// Provinces are matched by a canonical code so "新疆", "新疆维吾尔自治区" and "Xinjiang" agree.
import type { Address } from './messages/common';

export type { Address } from './messages/common';

const PROVINCE_ALIASES: Record<string, string[]> = {
  beijing: ['北京', 'beijing'],
  tianjin: ['天津', 'tianjin'],
  shanghai: ['上海', 'shanghai'],
  chongqing: ['重庆', 'chongqing'],
  hebei: ['河北', 'hebei'],
  shanxi: ['山西', 'shanxi'],
  liaoning: ['辽宁', 'liaoning'],
  jilin: ['吉林', 'jilin'],
  heilongjiang: ['黑龙江', 'heilongjiang'],
  jiangsu: ['江苏', 'jiangsu'],
  zhejiang: ['浙江', 'zhejiang'],
  anhui: ['安徽', 'anhui'],
  fujian: ['福建', 'fujian'],
  jiangxi: ['江西', 'jiangxi'],
  shandong: ['山东', 'shandong'],
  henan: ['河南', 'henan'],
  hubei: ['湖北', 'hubei'],
  hunan: ['湖南', 'hunan'],
  guangdong: ['广东', 'guangdong'],
  hainan: ['海南', 'hainan'],
  sichuan: ['四川', 'sichuan'],
  guizhou: ['贵州', 'guizhou'],
  yunnan: ['云南', 'yunnan'],
  shaanxi: ['陕西', 'shaanxi'],
  gansu: ['甘肃', 'gansu'],
  qinghai: ['青海', 'qinghai'],
  'inner-mongolia': ['内蒙古', 'inner mongolia', 'inner-mongolia', 'nei mongol'],
  guangxi: ['广西', 'guangxi'],
  tibet: ['西藏', 'tibet', 'xizang'],
  ningxia: ['宁夏', 'ningxia'],
  xinjiang: ['新疆', 'xinjiang'],
};

/** Canonical province code, or the lower-cased input when unknown. */
export function provinceCode(province: string): string {
  const p = province.trim().toLowerCase();
  for (const [code, aliases] of Object.entries(PROVINCE_ALIASES)) {
    if (aliases.some((a) => p.startsWith(a))) return code;
  }
  return p;
}

export function isIncomplete(a: Address): boolean {
  return [a.province, a.city, a.district, a.street].some((part) => !part || !part.trim());
}

// A deliverable street address carries a door number (88号, No. 88, 88-2); "公司前台" does not.
const DOOR_NUMBER = /[0-9０-９]|[一二三四五六七八九十百千]+\s*号/;
const VAGUE_PLACE = /前台|门卫|收发室|传达室|front desk|reception|lobby|gatehouse/i;

/** O3: vague when the street and detail give no door number (e.g. "company front desk"). */
export function isVague(a: Address): boolean {
  const text = `${a.street ?? ''} ${a.detail ?? ''}`;
  if (!text.trim()) return false; // that is incompleteness, not vagueness
  return !DOOR_NUMBER.test(text) || (VAGUE_PLACE.test(text) && !DOOR_NUMBER.test(a.street ?? ''));
}

export function isRemote(a: Address, remoteProvinces: string[]): boolean {
  return remoteProvinces.includes(provinceCode(a.province));
}
