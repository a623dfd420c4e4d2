using Paydesk.Api.Pages;

namespace Paydesk.Web.Admin;

/// <summary>What the back office's subscription pages say, besides the words every page shares (<see cref="AdminWords"/>).</summary>
public sealed class AdminSubscriptionWords
{
    public required string Subscriptions { get; init; }
    public required string Plan { get; init; }
    public required string NextCharge { get; init; }
    public required string Missed { get; init; }
    public required string Periods { get; init; }
    public required string Period { get; init; }
    public required string Charges { get; init; }
    public required string Paid { get; init; }
    public required string Open { get; init; }
    public required string Comped { get; init; }
    /// <summary>A free trial: a period paid with no payment.</summary>
    public required string Trial { get; init; }
    public required string ByHand { get; init; }
    public required Func<int, string> Attempt { get; init; }
    public required string PlanChanges { get; init; }
    public required string CancelNow { get; init; }
    public required string CancelAtEnd { get; init; }
    public required string CancelHint { get; init; }
    public required string Comp { get; init; }
    public required string CompHint { get; init; }
    public required Func<string, string> CancelsOn { get; init; }

    public static readonly Localized<AdminSubscriptionWords> All = new(
        en: new()
        {
            Subscriptions = "Subscriptions", Plan = "Plan", NextCharge = "Next charge", Missed = "Missed periods", Periods = "Periods", Period = "Period",
            Charges = "Charges and retries", Paid = "paid", Open = "unpaid", Comped = "given free", Trial = "free trial", ByHand = "paid by hand", Attempt = n => $"try {n}",
            PlanChanges = "Plan changes", CancelNow = "Cancel now", CancelAtEnd = "Cancel at the period's end",
            CancelHint = "Now: access ends at once and nothing is refunded (refund the payment on its page if owed). At the period's end: it runs to it.",
            Comp = "Give a period free", CompHint = "The unpaid period of a past-due subscription, else the next one: paid with no charge.",
            CancelsOn = date => $"cancels on {date}",
        },
        ru: new()
        {
            Subscriptions = "Подписки", Plan = "Тариф", NextCharge = "Следующее списание", Missed = "Пропущено периодов", Periods = "Периоды", Period = "Период",
            Charges = "Списания и повторы", Paid = "оплачен", Open = "не оплачен", Comped = "подарен", Trial = "пробный период", ByHand = "оплачен вручную", Attempt = n => $"попытка {n}",
            PlanChanges = "Смены тарифа", CancelNow = "Отменить сейчас", CancelAtEnd = "Отменить в конце периода",
            CancelHint = "Сейчас: доступ закрывается сразу, деньги не возвращаются (верните платёж на его странице, если нужно). В конце периода: работает до конца.",
            Comp = "Подарить период", CompHint = "Неоплаченный период просроченной подписки, иначе следующий: оплачен без списания.",
            CancelsOn = date => $"отменится {date}",
        },
        ro: new()
        {
            Subscriptions = "Abonamente", Plan = "Plan", NextCharge = "Următoarea încasare", Missed = "Perioade ratate", Periods = "Perioade", Period = "Perioadă",
            Charges = "Încasări și reîncercări", Paid = "plătită", Open = "neplătită", Comped = "oferită", Trial = "perioadă de probă", ByHand = "plătită manual", Attempt = n => $"încercarea {n}",
            PlanChanges = "Schimbări de plan", CancelNow = "Anulați acum", CancelAtEnd = "Anulați la sfârșitul perioadei",
            CancelHint = "Acum: accesul se încheie imediat și nu se restituie nimic (rambursați plata pe pagina ei, dacă e cazul). La sfârșitul perioadei: merge până atunci.",
            Comp = "Oferiți o perioadă", CompHint = "Perioada neplătită a unui abonament restant, altfel următoarea: plătită fără încasare.",
            CancelsOn = date => $"se anulează pe {date}",
        });
}
