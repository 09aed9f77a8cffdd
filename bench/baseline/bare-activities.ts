// The baselines' one activity: does nothing but say when it ran, as ARO's message row says when it was sent.
export async function noteTime(): Promise<number> {
  return Date.now();
}
