// GB18030 bytes of a string, for tests and the bench: TextEncoder writes UTF-8 only, so the two-byte
// codes are taken from Node's own GB18030 decoder (every character a test uses is in GBK's range).
let table: Map<string, number[]> | undefined;

function build(): Map<string, number[]> {
  const decoder = new TextDecoder('gb18030');
  const codes = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && char !== '\ufffd' && !codes.has(char)) codes.set(char, [lead, trail]);
    }
  }
  return codes;
}

export function encodeGb18030(text: string): Buffer {
  table ??= build();
  const bytes = [...text].flatMap((char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x80) return [code];
    const pair = table!.get(char);
    if (!pair) throw new Error(`no GB18030 two-byte code for ${char}`);
    return pair;
  });
  return Buffer.from(bytes);
}
