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
