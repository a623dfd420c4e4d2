using Paydesk.Api.Pages;

namespace Paydesk.Entitlements.Messages;

/// <summary>What the notice of a shipment on its way (<see cref="ShipmentNotice"/>) says.</summary>
public sealed class ShipmentNoticeWords
{
    /// <summary>The subject, by what is shipped and the invoice's number (or the order's).</summary>
    public required Func<string, string, string> Subject { get; init; }
    /// <summary>What happened, by the merchant's name, what is shipped and the invoice's number.</summary>
    public required Func<string, string, string, string> Shipped { get; init; }
    /// <summary>Who carries it, by the carrier's name, the tracking number or both (<see cref="Tracking"/>).</summary>
    public required Func<string, string> Carrier { get; init; }
    public required Func<string, string> Tracking { get; init; }
    /// <summary>The tracking link in the text, which follows.</summary>
    public required string FollowHere { get; init; }
    /// <summary>The tracking link in the HTML.</summary>
    public required string FollowLink { get; init; }
    /// <summary>The address, which follows.</summary>
    public required string GoingTo { get; init; }

    public static readonly Localized<ShipmentNoticeWords> All = new(
        en: new()
        {
            Subject = (what, reference) => $"Shipped: {what} — {reference}",
            Shipped = (merchant, what, reference) => $"{merchant} has shipped {what} from {reference}.",
            Carrier = by => $"Carrier: {by}",
            Tracking = number => $"tracking number {number}",
            FollowHere = "Follow it here:",
            FollowLink = "Follow your parcel",
            GoingTo = "It is going to:",
        },
        ru: new()
        {
            Subject = (what, reference) => $"Отправлено: {what} — {reference}",
            Shipped = (merchant, what, reference) => $"{what} ({reference}) уже в пути к вам. Отправитель: {merchant}.",
            Carrier = by => $"Перевозчик: {by}",
            Tracking = number => $"трек-номер {number}",
            FollowHere = "Отследить посылку:",
            FollowLink = "Отследить посылку",
            GoingTo = "Адрес доставки:",
        },
        ro: new()
        {
            Subject = (what, reference) => $"Expediere: {what} — {reference}",
            Shipped = (merchant, what, reference) => $"{merchant} v-a expediat {what} din {reference}.",
            Carrier = by => $"Curier: {by}",
            Tracking = number => $"număr de urmărire {number}",
            FollowHere = "Urmăriți coletul aici:",
            FollowLink = "Urmăriți coletul",
            GoingTo = "Adresa de livrare:",
        });
}
