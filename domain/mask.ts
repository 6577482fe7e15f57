// O11: personal data is masked wherever people read it (support views, logs).

/** "13812341234" -> "138****1234"; anything short is starred out entirely. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s|-/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** How a masked name reads (O11 "Mr/Ms *"); `{first}` stands for the name's first character. */
export interface NameMask {
  /** Chinese (Han) names: the family name comes first */
  cjk: string;
  latin: string;
}
export const SOP_NAME_MASK: NameMask = { cjk: '{first}先生/女士*', latin: 'Mr/Ms {first}*' };

const HAN = /^\p{Script=Han}/u;

/** "张三" -> "张先生/女士*", "Wei Zhang" -> "Mr/Ms W*": only the first character survives. */
export function maskName(name: string, mask: NameMask = SOP_NAME_MASK): string {
  const first = Array.from(name.trim())[0];
  if (!first) return '*';
  return (HAN.test(first) ? mask.cjk : mask.latin).split('{first}').join(first);
}

export interface MaskableAddress {
  province: string;
  city: string;
  district: string;
  street: string;
  detail?: string;
}

/** Region stays readable (needed for routing), the street and door do not. */
export function maskAddress(a: MaskableAddress): string {
  return `${a.province} ${a.city} ${a.district} ****`;
}

export function maskCustomer(
  c: { id: string; name: string; phone: string },
  mask?: NameMask,
): { id: string; name: string; phone: string } {
  return { id: c.id, name: maskName(c.name, mask), phone: maskPhone(c.phone) };
}
