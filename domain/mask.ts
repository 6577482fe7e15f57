// O11: personal data is masked wherever people read it (support views, logs).

/** "13812341234" -> "138****1234"; anything short is starred out entirely. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s|-/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Keeps the family name only: "张三" -> "张*", "Wei Zhang" -> "W*". */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '*';
  return `${Array.from(trimmed)[0]}*`;
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

export function maskCustomer(c: { id: string; name: string; phone: string }): { id: string; name: string; phone: string } {
  return { id: c.id, name: maskName(c.name), phone: maskPhone(c.phone) };
}
