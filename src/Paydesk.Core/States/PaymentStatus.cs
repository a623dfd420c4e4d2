namespace Paydesk.Core;

/// <summary>Where a payment is in its life; <see cref="PaymentStates"/> says which changes are allowed.</summary>
public enum PaymentStatus
{
    /// <summary>Recorded here; the provider has not been asked yet.</summary>
    Created,

    /// <summary>Handed to the provider, which has not answered.</summary>
    Pending,

    /// <summary>The provider's answer was lost (a timeout, a 5xx); the reconciler asks again.</summary>
    Unknown,

    Succeeded,
    Failed,
    Canceled,
    Expired,

    /// <summary>Succeeded, then part of the amount was returned; more partial refunds may follow.</summary>
    PartiallyRefunded,

    /// <summary>Succeeded, then the whole amount was returned.</summary>
    Refunded,
}
