using Paydesk.Api.Pages;
using Paydesk.Entitlements;

namespace Paydesk.Web.Account;

/// <summary>What the customer's account page says.</summary>
public sealed class AccountWords
{
    public required string Title { get; init; }
    public required string Entitlements { get; init; }
    public required string NoEntitlements { get; init; }
    public required string ClinicProfile { get; init; }
    public required string Shipments { get; init; }
    public required string Product { get; init; }
    public required string Status { get; init; }
    public required string Tracking { get; init; }
    public required IReadOnlyDictionary<ShipmentStatus, string> ShipmentStatuses { get; init; }
    public required string Documents { get; init; }
    public required string NoDocuments { get; init; }
    public required Func<string, string> Invoice { get; init; }
    public required Func<string, string> CreditNote { get; init; }
    public required string Buy { get; init; }
    public required string Purchases { get; init; }
    public required string What { get; init; }
    public required string When { get; init; }
    public required string Amount { get; init; }
    public required string Cards { get; init; }
    public required string CardsNote { get; init; }
    public required Func<int, int, string> Expires { get; init; }
    public required string Remove { get; init; }
    /// <summary>Why a card was not removed: a subscription's renewals charge it.</summary>
    public required string CardKept { get; init; }

    public static readonly Localized<AccountWords> All = new(
        en: new()
        {
            Title = "Your account", Entitlements = "What you have", NoEntitlements = "Nothing is active yet.",
            ClinicProfile = "Your clinic's profile and paid services", Shipments = "Shipments", Product = "Product", Status = "Status",
            Tracking = "Tracking",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string>
            {
                [ShipmentStatus.Placed] = "being prepared", [ShipmentStatus.Shipped] = "shipped", [ShipmentStatus.Delivered] = "delivered", [ShipmentStatus.Canceled] = "canceled, refunded",
            },
            Documents = "Invoices and credit notes", NoDocuments = "No invoices yet.",
            Invoice = number => $"Invoice {number}", CreditNote = number => $"Credit note {number}", Buy = "See the prices",
            Purchases = "Purchases", What = "What", When = "When", Amount = "Amount",
            Cards = "Saved cards", CardsNote = "Renewals are charged to these cards. Remove one and it is not charged again.",
            Expires = (m, y) => $"expires {CardText.Expiry(m, y)}", Remove = "Remove",
            CardKept = "This card pays your subscription's renewals, so it stays: pay with another card first, or cancel the subscription.",
        },
        ru: new()
        {
            Title = "Личный кабинет", Entitlements = "Что у вас есть", NoEntitlements = "Пока ничего не активно.",
            ClinicProfile = "Профиль клиники и платные услуги", Shipments = "Доставки", Product = "Товар", Status = "Статус",
            Tracking = "Отслеживание",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string>
            {
                [ShipmentStatus.Placed] = "готовится", [ShipmentStatus.Shipped] = "отправлено", [ShipmentStatus.Delivered] = "доставлено", [ShipmentStatus.Canceled] = "отменено, деньги возвращены",
            },
            Documents = "Счета и кредит-ноты", NoDocuments = "Счетов пока нет.",
            Invoice = number => $"Счёт {number}", CreditNote = number => $"Кредит-нота {number}", Buy = "Посмотреть цены",
            Purchases = "Покупки", What = "Что", When = "Когда", Amount = "Сумма",
            Cards = "Сохранённые карты", CardsNote = "С этих карт списываются продления. Удалённая карта больше не списывается.",
            Expires = (m, y) => $"до {CardText.Expiry(m, y)}", Remove = "Удалить",
            CardKept = "С этой карты оплачиваются продления подписки, поэтому она остаётся: сначала оплатите другой картой или отмените подписку.",
        },
        ro: new()
        {
            Title = "Contul dvs.", Entitlements = "Ce aveți", NoEntitlements = "Nu este nimic activ încă.",
            ClinicProfile = "Profilul clinicii și serviciile plătite", Shipments = "Livrări", Product = "Produs", Status = "Stare",
            Tracking = "Urmărire",
            ShipmentStatuses = new Dictionary<ShipmentStatus, string>
            {
                [ShipmentStatus.Placed] = "în pregătire", [ShipmentStatus.Shipped] = "expediat", [ShipmentStatus.Delivered] = "livrat", [ShipmentStatus.Canceled] = "anulat, rambursat",
            },
            Documents = "Facturi și facturi de stornare", NoDocuments = "Nicio factură încă.",
            Invoice = number => $"Factura {number}", CreditNote = number => $"Factura de stornare {number}", Buy = "Vedeți prețurile",
            Purchases = "Cumpărături", What = "Ce", When = "Când", Amount = "Sumă",
            Cards = "Carduri salvate", CardsNote = "Reînnoirile se plătesc cu aceste carduri. Un card eliminat nu mai este debitat.",
            Expires = (m, y) => $"expiră {CardText.Expiry(m, y)}", Remove = "Eliminați",
            CardKept = "Acest card plătește reînnoirile abonamentului, deci rămâne: plătiți mai întâi cu alt card sau anulați abonamentul.",
        });
}
