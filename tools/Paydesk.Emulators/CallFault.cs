namespace Paydesk.Emulators;

/// <summary>What goes wrong with a provider's answer to one call: none in time, a 500, or the call done and its answer lost.</summary>
public enum CallFault { Timeout, ServerError, LoseAnswer }

/// <summary>How each emulator answers a call a fault was injected into.</summary>
public static class CallFaults
{
    /// <summary>
    /// The call's answer, or what <paramref name="fault"/> makes of it: <see cref="CallFault.ServerError"/>
    /// a 500 (<paramref name="serverError"/>, or an empty one); <see cref="CallFault.Timeout"/> hangs
    /// until the caller gives up, having done nothing; <see cref="CallFault.LoseAnswer"/> does the work,
    /// then the answer never reaches the caller.
    /// </summary>
    public static async Task<IResult> AnswerAsync(HttpContext http, CallFault? fault, Func<IResult> call, IResult? serverError = null)
    {
        switch (fault)
        {
            case CallFault.ServerError:
                return serverError ?? Results.StatusCode(StatusCodes.Status500InternalServerError);
            case CallFault.Timeout:
                try { await Task.Delay(TimeSpan.FromSeconds(60), http.RequestAborted); } catch (OperationCanceledException) { }
                http.Abort();
                return Results.Empty;
            case CallFault.LoseAnswer:
                call();
                http.Abort();
                return Results.Empty;
            default:
                return call();
        }
    }
}

/// <summary>
/// The faults waiting for the calls of each account (terminal, shop, secret key) to each method:
/// an account's own, so tests sharing an emulator break only their own calls.
/// </summary>
public sealed class CallFaultQueue
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Account, string Method), System.Collections.Concurrent.ConcurrentQueue<CallFault>> _faults = new();

    /// <summary>Makes the account's next <paramref name="times"/> calls of <paramref name="method"/> go wrong.</summary>
    public void Inject(string account, string method, CallFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd((account, method), _ => new());
        for (var i = 0; i < times; i++) queue.Enqueue(fault);
    }

    /// <summary>The fault the account's call of <paramref name="method"/> meets now, if any (taken off the queue).</summary>
    public CallFault? Next(string? account, string method) =>
        account is not null && _faults.TryGetValue((account, method), out var queue) && queue.TryDequeue(out var fault) ? fault : null;
}
