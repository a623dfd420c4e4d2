namespace Paydesk.Emulators;

/// <summary>
/// What goes wrong with a provider's answer to one call: none in time, a 500, the call done and its
/// answer lost, or the call done and its answer late — held back until the test lets it go
/// (<see cref="CallFaultQueue.Hold"/>), so what it says is no longer true when it arrives.
/// </summary>
public enum CallFault { Timeout, ServerError, LoseAnswer, Late }

/// <summary>A fault waiting for a call; a late one with the answer it holds back.</summary>
public sealed record InjectedFault(CallFault Fault, LateAnswer? Late = null);

/// <summary>
/// An answer held back: <see cref="Reached"/> completes once the call is done at the provider,
/// and the answer goes out on <see cref="Release"/> (or after a minute, whichever is first).
/// </summary>
public sealed class LateAnswer
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    internal async Task HoldAsync(CancellationToken ct)
    {
        _reached.TrySetResult();
        try { await _released.Task.WaitAsync(TimeSpan.FromMinutes(1), ct); } catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
    }
}

/// <summary>How each emulator answers a call a fault was injected into.</summary>
public static class CallFaults
{
    /// <summary>
    /// The call's answer, or what <paramref name="fault"/> makes of it: <see cref="CallFault.ServerError"/>
    /// a 500 (<paramref name="serverError"/>, or an empty one); <see cref="CallFault.Timeout"/> hangs
    /// until the caller gives up, having done nothing; <see cref="CallFault.LoseAnswer"/> does the work,
    /// then the answer never reaches the caller; <see cref="CallFault.Late"/> does the work and holds
    /// the answer back until it is released.
    /// </summary>
    public static async Task<IResult> AnswerAsync(HttpContext http, InjectedFault? fault, Func<IResult> call, IResult? serverError = null)
    {
        switch (fault?.Fault)
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
            case CallFault.Late:
                var answer = call();
                await fault.Late!.HoldAsync(http.RequestAborted);
                return answer;
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Account, string Method), System.Collections.Concurrent.ConcurrentQueue<InjectedFault>> _faults = new();

    /// <summary>Makes the account's next <paramref name="times"/> calls of <paramref name="method"/> go wrong.</summary>
    public void Inject(string account, string method, CallFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd((account, method), _ => new());
        for (var i = 0; i < times; i++) queue.Enqueue(new InjectedFault(fault, fault == CallFault.Late ? new LateAnswer() : null));
    }

    /// <summary>Holds back the answer to the account's next call of <paramref name="method"/>: the call is done, the answer goes out on release.</summary>
    public LateAnswer Hold(string account, string method)
    {
        var late = new LateAnswer();
        _faults.GetOrAdd((account, method), _ => new()).Enqueue(new InjectedFault(CallFault.Late, late));
        return late;
    }

    /// <summary>The fault the account's call of <paramref name="method"/> meets now, if any (taken off the queue).</summary>
    public InjectedFault? Next(string? account, string method) =>
        account is not null && _faults.TryGetValue((account, method), out var queue) && queue.TryDequeue(out var fault) ? fault : null;
}
