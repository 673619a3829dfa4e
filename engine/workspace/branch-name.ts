/** `mle-beast-YYYYMMDD-HHMMSS` in UTC: the name the original tool used, so its users find their branches. */
export function experimentBranchName(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `mle-beast-${date}-${time}`;
}
