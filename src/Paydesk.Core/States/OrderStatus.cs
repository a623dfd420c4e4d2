namespace Paydesk.Core;

/// <summary>Where an order is in its life; <see cref="OrderStates"/> says which changes are allowed.</summary>
public enum OrderStatus
{
    AwaitingPayment,
    Paid,

    /// <summary>Paid and delivered: the entitlement was granted or the goods were handed over.</summary>
    Fulfilled,

    Canceled,
    Expired,
    PartiallyRefunded,
    Refunded,
}
