// The latency scenario's tiny task: the same work as the tiny par call.
export default function run({ n }: { n: number }): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * 2;
  return total;
}
