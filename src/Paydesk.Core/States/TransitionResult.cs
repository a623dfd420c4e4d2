namespace Paydesk.Core;

/// <summary>What to do with a proposed status change.</summary>
public enum TransitionDecision
{
    /// <summary>A legal move: store the proposed status.</summary>
    Apply,

    /// <summary>The status already is the proposed one, typically a repeated notification: not an error, and
    /// nothing to store.</summary>
    AlreadyThere,

    /// <summary>The move would go backwards or sideways, e.g. a late "failed" after "succeeded": log the
    /// <see cref="TransitionResult.Reason"/> and keep the current status.</summary>
    Refused,
}

/// <summary>The answer to "may this status become that one?", with a reason written for a log line.</summary>
/// <remarks>
/// Notifications arrive late, twice and out of order, so a proposal that cannot be applied is an everyday event
/// rather than an exception: callers switch on <see cref="Decision"/> instead of catching.
/// <c>default(TransitionResult)</c> has no reason and is not an answer any machine gives.
/// </remarks>
public readonly record struct TransitionResult(TransitionDecision Decision, string Reason)
{
    public string Reason { get; } = Reason ?? throw new ArgumentNullException(nameof(Reason));

    public bool IsApply => Decision == TransitionDecision.Apply;

    public bool IsAlreadyThere => Decision == TransitionDecision.AlreadyThere;

    public bool IsRefused => Decision == TransitionDecision.Refused;
}
