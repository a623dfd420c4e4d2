namespace Paydesk.Core;

/// <summary>
/// What created a grant or a document, by kind and id: an order (<c>order</c>, <c>ord_…</c>) today; a
/// subscription period, a wallet top-up or a booking next. Entitlements, shipments, invoices and credit
/// notes carry one, so whatever sells can issue them without the module that keeps them knowing it.
/// </summary>
public readonly record struct Source(string Kind, string Id)
{
    /// <summary>The kind of an order; the API's <c>orderId</c> filters and fields are sources of this kind.</summary>
    public const string OrderKind = "order";

    public override string ToString() => $"{Kind}:{Id}";
}
