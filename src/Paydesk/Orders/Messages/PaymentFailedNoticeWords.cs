using Paydesk.Api.Pages;

namespace Paydesk.Orders.Messages;

/// <summary>What the notice of a payment that did not go through (<see cref="PaymentFailedNotice"/>) says.</summary>
public sealed class PaymentFailedNoticeWords
{
    /// <summary>The subject of a declined payment, by what the order buys.</summary>
    public required Func<string, string> DeclinedSubject { get; init; }
    /// <summary>The subject of a payment not finished in time, by what the order buys.</summary>
    public required Func<string, string> ExpiredSubject { get; init; }
    /// <summary>What happened, by the amount, the merchant's name and what the order buys.</summary>
    public required Func<string, string, string, string> Declined { get; init; }
    public required Func<string, string, string, string> Expired { get; init; }
    public required string NothingCharged { get; init; }
    /// <summary>Until when the order can be paid, by the date; the link follows.</summary>
    public required Func<string, string> StaysOpen { get; init; }
    /// <summary>The link's words, by the amount.</summary>
    public required Func<string, string> PayAgain { get; init; }

    public static readonly Localized<PaymentFailedNoticeWords> All = new(
        en: new()
        {
            DeclinedSubject = what => $"Payment declined — {what}",
            ExpiredSubject = what => $"Payment not completed — {what}",
            Declined = (amount, merchant, what) => $"Your payment of {amount} to {merchant} for {what} was declined.",
            Expired = (amount, merchant, what) => $"Your payment of {amount} to {merchant} for {what} was not completed in time.",
            NothingCharged = "Nothing was charged.",
            StaysOpen = date => $"Your order stays open until {date}; you can pay it again here:",
            PayAgain = amount => $"Pay {amount} again",
        },
        ru: new()
        {
            DeclinedSubject = what => $"Платёж отклонён — {what}",
            ExpiredSubject = what => $"Оплата не завершена — {what}",
            Declined = (amount, merchant, what) => $"Ваш платёж на сумму {amount} в пользу {merchant} за «{what}» отклонён.",
            Expired = (amount, merchant, what) => $"Ваш платёж на сумму {amount} в пользу {merchant} за «{what}» не был завершён вовремя.",
            NothingCharged = "Деньги не списаны.",
            StaysOpen = date => $"Заказ остаётся открытым (срок — {date}); оплатить его ещё раз можно здесь:",
            PayAgain = amount => $"Оплатить {amount} ещё раз",
        },
        ro: new()
        {
            DeclinedSubject = what => $"Plata a fost refuzată — {what}",
            ExpiredSubject = what => $"Plata nu a fost finalizată — {what}",
            Declined = (amount, merchant, what) => $"Plata dvs. de {amount} către {merchant} pentru „{what}” a fost refuzată.",
            Expired = (amount, merchant, what) => $"Plata dvs. de {amount} către {merchant} pentru „{what}” nu a fost finalizată la timp.",
            NothingCharged = "Nu s-a încasat nimic.",
            StaysOpen = date => $"Comanda dvs. rămâne deschisă până la {date}; o puteți plăti din nou aici:",
            PayAgain = amount => $"Plătiți din nou {amount}",
        });
}
