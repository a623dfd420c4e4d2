namespace Paydesk.Core;

/// <summary>Whether a customer may use what they paid for; <see cref="EntitlementStates"/> says which changes are
/// allowed.</summary>
public enum EntitlementStatus
{
    Active,

    /// <summary>Its period ended.</summary>
    Expired,

    /// <summary>Taken back, e.g. after a refund or a chargeback.</summary>
    Revoked,

    /// <summary>Used up: every session or unit it granted was used.</summary>
    Consumed,
}
