/**
 * Card numbers never leave in a flag's context: a run of 13 to 19 digits (spaces or dashes between
 * them allowed) that passes the Luhn check becomes "•••• 1234", and so does any longer run (it may
 * hold two card numbers said back to back). Other numbers (orders, phone numbers) stay as they are.
 */
const DIGIT_RUN = /\d[\d -]*\d/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function maskCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/\D/g, '');
    const card = digits.length > 19 || (digits.length >= 13 && luhn(digits));
    return card ? `•••• ${digits.slice(-4)}` : run;
  });
}
