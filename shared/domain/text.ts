// Text normalisation for what people paste into forms: full-width ASCII (Ａ-Ｚ, ０-９) and the
// ideographic space are a common paste error in Chinese input methods.

export function toHalfWidth(input: string): string {
  return input.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
