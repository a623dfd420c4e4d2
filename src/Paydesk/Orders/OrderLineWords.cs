using Paydesk.Api.Pages;

namespace Paydesk.Orders;

/// <summary>
/// The words Paydesk itself puts in an order line's description, around the merchant's names. The
/// description is stored in English; <see cref="OrderLine.DescriptionIn"/> tells it in the reader's language.
/// </summary>
public sealed class OrderLineWords
{
    /// <summary>A product that came with a plan: "Resistance band (included with Recovery)".</summary>
    public required Func<string, string, string> IncludedWith { get; init; }

    /// <summary>A recurring plan's free first period, given its length: "free trial, 14 days".</summary>
    public required Func<string, string> Trial { get; init; }

    public static readonly OrderLineWords English = new()
    {
        IncludedWith = (product, plan) => $"{product} (included with {plan})",
        Trial = period => $"free trial, {period}",
    };

    public static readonly Localized<OrderLineWords> All = new(
        en: English,
        ru: new()
        {
            IncludedWith = (product, plan) => $"{product} (входит в {plan})",
            Trial = period => $"бесплатный пробный период, {period}",
        },
        ro: new()
        {
            IncludedWith = (product, plan) => $"{product} (inclus în {plan})",
            Trial = period => $"perioadă de probă gratuită, {period}",
        });
}
