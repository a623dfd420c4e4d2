using Paydesk.Core;

namespace Paydesk.Api;

/// <summary>What created an entitlement, a shipment, an invoice or a credit note: its kind (<c>order</c>) and id.</summary>
public sealed record SourceView(string Kind, string Id)
{
    public static SourceView From(Source source) => new(source.Kind, source.Id);

    /// <summary>The order's id when the source is an order; null otherwise.</summary>
    public static string? OrderIdOf(Source source) => source.Kind == Source.OrderKind ? source.Id : null;
}
