using Paydesk.Api.Pages;
using Paydesk.Core;

namespace Paydesk.Web.Clinics;

/// <summary>What the clinic's profile, billing and public pages say.</summary>
public sealed class ClinicWords
{
    public required string Profile { get; init; }
    public required string PaidServices { get; init; }
    public required string Badges { get; init; }
    public required string NoBadges { get; init; }
    public required string Billing { get; init; }
    public required string BillingIntro { get; init; }
    public required string Options { get; init; }
    public required string Period { get; init; }
    public required string Total { get; init; }
    public required string PickOne { get; init; }
    public required Func<string, string> Pay { get; init; }
    public required string PayPicked { get; init; }
    public required string History { get; init; }
    public required string NoHistory { get; init; }
    public required string What { get; init; }
    public required string When { get; init; }
    public required string Amount { get; init; }
    public required string Status { get; init; }
    public required string ActiveUntil { get; init; }
    public required string NotCompleted { get; init; }
    public required string NotCompletedText { get; init; }
    public required string BackToProfile { get; init; }
    public required IReadOnlyDictionary<OrderStatus, string> Statuses { get; init; }

    public static readonly Localized<ClinicWords> All = new(
        en: new()
        {
            Profile = "Clinic profile",
            PaidServices = "Paid services",
            Badges = "Badges",
            NoBadges = "No badges yet.",
            Billing = "Paid services",
            BillingIntro = "Pick the listing options you want and for how long; the total updates as you pick.",
            Options = "Listing options",
            Period = "Period",
            Total = "Total",
            PickOne = "Pick at least one option.",
            Pay = amount => $"Pay {amount}",
            PayPicked = "Pay for the picked options",
            History = "Purchase history",
            NoHistory = "Nothing bought yet.",
            What = "What",
            When = "When",
            Amount = "Amount",
            Status = "Status",
            ActiveUntil = "Active until",
            NotCompleted = "Payment not completed",
            NotCompletedText = "Nothing was charged and nothing was activated.",
            BackToProfile = "Back to the profile",
            Statuses = new Dictionary<OrderStatus, string>
            {
                [OrderStatus.AwaitingPayment] = "awaiting payment", [OrderStatus.Paid] = "paid, activating", [OrderStatus.Fulfilled] = "active",
                [OrderStatus.Canceled] = "canceled", [OrderStatus.Expired] = "expired unpaid", [OrderStatus.PartiallyRefunded] = "partly refunded",
                [OrderStatus.Refunded] = "refunded",
            },
        },
        ru: new()
        {
            Profile = "Профиль клиники",
            PaidServices = "Платные услуги",
            Badges = "Значки",
            NoBadges = "Значков пока нет.",
            Billing = "Платные услуги",
            BillingIntro = "Выберите опции размещения и срок; итог пересчитывается сразу.",
            Options = "Опции размещения",
            Period = "Срок",
            Total = "Итого",
            PickOne = "Выберите хотя бы одну опцию.",
            Pay = amount => $"Оплатить {amount}",
            PayPicked = "Оплатить выбранное",
            History = "История покупок",
            NoHistory = "Покупок пока нет.",
            What = "Что",
            When = "Когда",
            Amount = "Сумма",
            Status = "Статус",
            ActiveUntil = "Активно до",
            NotCompleted = "Оплата не завершена",
            NotCompletedText = "Деньги не списаны, ничего не активировано.",
            BackToProfile = "Назад в профиль",
            Statuses = new Dictionary<OrderStatus, string>
            {
                [OrderStatus.AwaitingPayment] = "ожидает оплаты", [OrderStatus.Paid] = "оплачено, активируется", [OrderStatus.Fulfilled] = "активно",
                [OrderStatus.Canceled] = "отменено", [OrderStatus.Expired] = "истёк срок оплаты", [OrderStatus.PartiallyRefunded] = "частичный возврат",
                [OrderStatus.Refunded] = "возвращено",
            },
        },
        ro: new()
        {
            Profile = "Profilul clinicii",
            PaidServices = "Servicii plătite",
            Badges = "Insigne",
            NoBadges = "Nicio insignă încă.",
            Billing = "Servicii plătite",
            BillingIntro = "Alegeți opțiunile de listare și durata; totalul se actualizează pe măsură ce alegeți.",
            Options = "Opțiuni de listare",
            Period = "Durata",
            Total = "Total",
            PickOne = "Alegeți cel puțin o opțiune.",
            Pay = amount => $"Plătiți {amount}",
            PayPicked = "Plătiți opțiunile alese",
            History = "Istoricul cumpărăturilor",
            NoHistory = "Nimic cumpărat încă.",
            What = "Ce",
            When = "Când",
            Amount = "Sumă",
            Status = "Stare",
            ActiveUntil = "Activ până la",
            NotCompleted = "Plata nu a fost finalizată",
            NotCompletedText = "Nu s-a încasat nimic și nu s-a activat nimic.",
            BackToProfile = "Înapoi la profil",
            Statuses = new Dictionary<OrderStatus, string>
            {
                [OrderStatus.AwaitingPayment] = "în așteptarea plății", [OrderStatus.Paid] = "plătit, se activează", [OrderStatus.Fulfilled] = "activ",
                [OrderStatus.Canceled] = "anulat", [OrderStatus.Expired] = "expirat neplătit", [OrderStatus.PartiallyRefunded] = "rambursat parțial",
                [OrderStatus.Refunded] = "rambursat",
            },
        });

    /// <summary>How an order's status is coloured wherever it is listed: active good, ended bad, the rest waiting.</summary>
    public static string Tone(OrderStatus status) => status switch
    {
        OrderStatus.Fulfilled => "good",
        OrderStatus.Refunded or OrderStatus.Canceled or OrderStatus.Expired => "bad",
        _ => "warn",
    };
}
