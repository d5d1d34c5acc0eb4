// A deterministic 1 MiB corpus of agent-like text with planted secrets and the numbers
// that trip naive patterns (13-digit epoch-millisecond timestamps, order ids).
export function corpus(bytes = 1 << 20, seed = 1) {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const words = ["the", "agent", "called", "search", "with", "query", "result", "tokens", "model", "answer", "because", "user", "asked", "for", "flights", "price", "total", "order"];
  const planted = [
    () => `${100 + Math.floor(rnd() * 800)}-${10 + Math.floor(rnd() * 89)}-${1000 + Math.floor(rnd() * 8999)}`,
    () => "4111 1111 1111 1111",
    () => `user${Math.floor(rnd() * 1e6)}@example.com`,
    () => "Bearer eyJhbGciOi.payload.sig",
    () => `sk-proj-${Math.floor(rnd() * 1e16).toString(36)}abcdefghijklmnop`,
    () => "AKIAIOSFODNN7EXAMPLE",
    () => `${1732248083000 + Math.floor(rnd() * 1e6)}`,
  ];
  let out = "";
  while (out.length < bytes) {
    const line = [];
    for (let i = 0; i < 12; i++) line.push(words[Math.floor(rnd() * words.length)]);
    if (rnd() < 0.3) line.splice(Math.floor(rnd() * line.length), 0, planted[Math.floor(rnd() * planted.length)]());
    out += line.join(" ") + "\n";
  }
  return out.slice(0, bytes);
}
