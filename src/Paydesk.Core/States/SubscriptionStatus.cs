namespace Paydesk.Core;

/// <summary>Where a subscription is in its life; <see cref="SubscriptionStates"/> says which changes are allowed.</summary>
public enum SubscriptionStatus
{
    /// <summary>Created, but the first payment has not succeeded yet.</summary>
    Incomplete,

    Trialing,
    Active,

    /// <summary>A renewal payment failed; the subscription is still on while it is retried.</summary>
    PastDue,

    Paused,
    Canceled,
}
