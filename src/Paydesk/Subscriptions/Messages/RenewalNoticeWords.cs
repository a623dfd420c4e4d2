using Paydesk.Api.Pages;

namespace Paydesk.Subscriptions.Messages;

/// <summary>What the emails about a subscription's renewals (<see cref="RenewalNotices"/>) say.</summary>
public sealed class RenewalNoticeWords
{
    /// <summary>The reminder's subject, by the plan and the date.</summary>
    public required Func<string, string, string> ReminderSubject { get; init; }
    /// <summary>What will happen, by the merchant, the plan, the date and the amount.</summary>
    public required Func<string, string, string, string, string> Reminder { get; init; }
    /// <summary>The reminder's subject and words when what ends is a free trial (the first charge), by the same.</summary>
    public required Func<string, string, string> TrialEndsSubject { get; init; }
    public required Func<string, string, string, string, string> TrialEnds { get; init; }
    public required string NothingToDo { get; init; }
    /// <summary>The failure's subject, by the plan.</summary>
    public required Func<string, string> FailedSubject { get; init; }
    /// <summary>What happened, by the amount, the merchant and the plan.</summary>
    public required Func<string, string, string, string> Failed { get; init; }
    /// <summary>When it is tried again, by the date.</summary>
    public required Func<string, string> TriedAgain { get; init; }
    public required string LastTry { get; init; }
    /// <summary>The link's lead, then its words, by the amount.</summary>
    public required string PayByHand { get; init; }
    public required Func<string, string> PayNow { get; init; }
    /// <summary>The cancellation's subject, by the plan.</summary>
    public required Func<string, string> CanceledSubject { get; init; }
    /// <summary>What happened, by the merchant and the plan.</summary>
    public required Func<string, string, string> CanceledUnpaid { get; init; }
    public required Func<string, string, string> Canceled { get; init; }

    public static readonly Localized<RenewalNoticeWords> All = new(
        en: new()
        {
            ReminderSubject = (plan, date) => $"{plan} renews on {date}",
            Reminder = (merchant, plan, date, amount) => $"Your subscription to {plan} at {merchant} renews on {date}: {amount} will be charged to the card you keep with us.",
            TrialEndsSubject = (plan, date) => $"Your free trial of {plan} ends on {date}",
            TrialEnds = (merchant, plan, date, amount) => $"Your free trial of {plan} at {merchant} ends on {date}: then {amount} will be charged to the card you gave, and each period after. Cancel before then and nothing is charged.",
            NothingToDo = "You need to do nothing to keep it.",
            FailedSubject = plan => $"Payment for {plan} declined",
            Failed = (amount, merchant, plan) => $"We could not charge {amount} for your subscription to {plan} at {merchant}.",
            TriedAgain = date => $"We will try the card again on {date}.",
            LastTry = "That was the last try.",
            PayByHand = "You can pay it now, with this or another card:",
            PayNow = amount => $"Pay {amount}",
            CanceledSubject = plan => $"Your subscription to {plan} is canceled",
            CanceledUnpaid = (merchant, plan) => $"Your subscription to {plan} at {merchant} is canceled: its renewal could not be charged.",
            Canceled = (merchant, plan) => $"Your subscription to {plan} at {merchant} is canceled.",
        },
        ru: new()
        {
            ReminderSubject = (plan, date) => $"«{plan}» продлится {date}",
            Reminder = (merchant, plan, date, amount) => $"Ваша подписка «{plan}» в {merchant} продлится {date}: с сохранённой карты будет списано {amount}.",
            TrialEndsSubject = (plan, date) => $"Пробный период «{plan}» закончится {date}",
            TrialEnds = (merchant, plan, date, amount) => $"Ваш бесплатный пробный период «{plan}» в {merchant} закончится {date}: затем с указанной карты будет списано {amount}, и так каждый период. Отмените подписку до этого — и ничего не будет списано.",
            NothingToDo = "Ничего делать не нужно.",
            FailedSubject = plan => $"Платёж за «{plan}» отклонён",
            Failed = (amount, merchant, plan) => $"Не удалось списать {amount} за подписку «{plan}» в {merchant}.",
            TriedAgain = date => $"Мы попробуем списать ещё раз {date}.",
            LastTry = "Это была последняя попытка.",
            PayByHand = "Оплатить сейчас этой или другой картой можно здесь:",
            PayNow = amount => $"Оплатить {amount}",
            CanceledSubject = plan => $"Подписка «{plan}» отменена",
            CanceledUnpaid = (merchant, plan) => $"Ваша подписка «{plan}» в {merchant} отменена: продление не удалось оплатить.",
            Canceled = (merchant, plan) => $"Ваша подписка «{plan}» в {merchant} отменена.",
        },
        ro: new()
        {
            ReminderSubject = (plan, date) => $"{plan} se reînnoiește pe {date}",
            Reminder = (merchant, plan, date, amount) => $"Abonamentul dvs. {plan} la {merchant} se reînnoiește pe {date}: se vor încasa {amount} de pe cardul păstrat.",
            TrialEndsSubject = (plan, date) => $"Perioada de probă gratuită {plan} se încheie pe {date}",
            TrialEnds = (merchant, plan, date, amount) => $"Perioada dvs. de probă gratuită {plan} la {merchant} se încheie pe {date}: apoi se vor încasa {amount} de pe cardul dat, la fiecare perioadă. Anulați înainte și nu se încasează nimic.",
            NothingToDo = "Nu trebuie să faceți nimic.",
            FailedSubject = plan => $"Plata pentru {plan} a fost refuzată",
            Failed = (amount, merchant, plan) => $"Nu am putut încasa {amount} pentru abonamentul {plan} la {merchant}.",
            TriedAgain = date => $"Vom încerca din nou cardul pe {date}.",
            LastTry = "Aceasta a fost ultima încercare.",
            PayByHand = "Puteți plăti acum, cu acest card sau altul:",
            PayNow = amount => $"Plătiți {amount}",
            CanceledSubject = plan => $"Abonamentul {plan} a fost anulat",
            CanceledUnpaid = (merchant, plan) => $"Abonamentul dvs. {plan} la {merchant} a fost anulat: reînnoirea nu a putut fi încasată.",
            Canceled = (merchant, plan) => $"Abonamentul dvs. {plan} la {merchant} a fost anulat.",
        });
}
