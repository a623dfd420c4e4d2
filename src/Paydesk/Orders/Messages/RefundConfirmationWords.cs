using System.Globalization;
using Paydesk.Api.Pages;

namespace Paydesk.Orders.Messages;

/// <summary>What the refund confirmation (<see cref="RefundConfirmation"/>) says.</summary>
public sealed class RefundConfirmationWords
{
    /// <summary>The subject, by the amount and the invoice's number (or the order's).</summary>
    public required Func<string, string, string> Subject { get; init; }
    /// <summary>A refund the merchant made, by the merchant's name, the amount and the invoice's number.</summary>
    public required Func<string, string, string, string> Refunded { get; init; }
    /// <summary>A second payment for what was paid already, given back: by the merchant's name, the invoice's number and the amount.</summary>
    public required Func<string, string, string, string> Duplicate { get; init; }
    public required string HowBack { get; init; }
    public required string NoLongerActive { get; init; }
    public required string StaysActive { get; init; }
    /// <summary>Sessions a full refund ended, by those left and those bought: "10 of 10 sessions".</summary>
    public required Func<long, long, CultureInfo, string> SessionsOf { get; init; }
    /// <summary>The credit note's link in the text, by its number; the link follows.</summary>
    public required Func<string, string> CreditNoteReady { get; init; }
    /// <summary>The credit note's link in the HTML, by its number.</summary>
    public required Func<string, string> ViewCreditNote { get; init; }

    public static readonly Localized<RefundConfirmationWords> All = new(
        en: new()
        {
            Subject = (amount, reference) => $"Refund of {amount} — {reference}",
            Refunded = (merchant, amount, reference) => $"{merchant} has refunded {amount} of your payment for {reference}.",
            Duplicate = (merchant, reference, amount) => $"{merchant} received a second payment for {reference}, which was paid already, and has given it back: {amount}.",
            HowBack = "The money goes back the way you paid; your bank may take a few days to show it.",
            NoLongerActive = "No longer active:",
            StaysActive = "What you bought stays active.",
            SessionsOf = (left, total, c) => $"{left.ToString("N0", c)} of {Plural.Count(total, c, "session", "sessions", "sessions")}",
            CreditNoteReady = number => $"Credit note {number}, ready to print:",
            ViewCreditNote = number => $"View and print credit note {number}",
        },
        ru: new()
        {
            Subject = (amount, reference) => $"Возврат {amount} — {reference}",
            Refunded = (merchant, amount, reference) => $"{merchant} возвращает вам {amount} из вашего платежа ({reference}).",
            Duplicate = (merchant, reference, amount) => $"Пришёл второй платёж ({reference}), хотя всё уже было оплачено; {merchant} возвращает его вам: {amount}.",
            HowBack = "Деньги вернутся тем же способом, которым вы платили; банку может понадобиться несколько дней, чтобы их отразить.",
            NoLongerActive = "Больше не активно:",
            StaysActive = "Всё, что вы купили, остаётся активным.",
            // "из 10 сеансов", "из 1 сеанса", "из 21 сеанса": after "из" the count is genitive.
            SessionsOf = (left, total, c) => $"{left.ToString("N0", c)} из {Plural.Count(total, c, "сеанса", "сеансов", "сеансов")}",
            CreditNoteReady = number => $"Кредит-нота {number}, готовая к печати:",
            ViewCreditNote = number => $"Открыть и распечатать кредит-ноту {number}",
        },
        ro: new()
        {
            Subject = (amount, reference) => $"Rambursare de {amount} — {reference}",
            Refunded = (merchant, amount, reference) => $"{merchant} v-a rambursat {amount} din plata dvs. pentru {reference}.",
            Duplicate = (merchant, reference, amount) => $"{merchant} a primit o a doua plată pentru {reference}, care era deja plătită, și v-a restituit-o: {amount}.",
            HowBack = "Banii se întorc pe aceeași cale pe care ați plătit; banca dvs. poate avea nevoie de câteva zile ca să-i afișeze.",
            NoLongerActive = "Nu mai este activ:",
            StaysActive = "Ce ați cumpărat rămâne activ.",
            SessionsOf = (left, total, c) => $"{left.ToString("N0", c)} din {Plural.Count(total, c, "ședință", "ședințe", "de ședințe")}",
            CreditNoteReady = number => $"Nota de credit {number}, gata de tipărit:",
            ViewCreditNote = number => $"Vedeți și tipăriți nota de credit {number}",
        });
}
