using System.Runtime.CompilerServices;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// Server-Sent Event streams that end when the caller's sign-in stops holding (see <see cref="SignInRevalidator"/>):
/// the events are produced under a token that is cancelled at revocation, and the stream then ends normally, so the
/// client sees the response finish rather than an error.
/// </summary>
public static class RevalidatedStream
{
    /// <summary>
    /// Watches <paramref name="http"/>'s user for as long as the stream is read; <paramref name="produce"/> gets the
    /// token to produce the events under (the request's abort token, also cancelled at revocation).
    /// </summary>
    public static IAsyncEnumerable<T> Of<T>(HttpContext http, Func<CancellationToken, IAsyncEnumerable<T>> produce)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(produce);
        var revalidator = http.RequestServices.GetRequiredService<SignInRevalidator>();
        var watch = revalidator.Watch(http.User, onRevoked: null, http.RequestAborted);
        // Also ends the watch when the response ends before the stream was ever read.
        http.Response.RegisterForDispose(watch);
        return Until(produce(watch.Token), watch);
    }

    private static async IAsyncEnumerable<T> Until<T>(IAsyncEnumerable<T> source, SignInWatch watch, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using (watch)
        {
            await using var events = source.GetAsyncEnumerator(ct);
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (OperationCanceledException) when (watch.IsRevoked)
                {
                    more = false;
                }
                if (!more)
                {
                    yield break;
                }
                yield return events.Current;
            }
        }
    }
}
