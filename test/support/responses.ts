/** A loader or action's outcome as a Response, whether it returned data, returned a Response or threw one. */
export async function settle(promise: Promise<unknown>): Promise<Response> {
  try {
    const result = await promise;
    if (result instanceof Response) return result;
    return new Response(result === null || result === undefined ? "" : JSON.stringify(result));
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
