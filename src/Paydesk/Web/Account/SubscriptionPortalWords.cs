using Paydesk.Api.Pages;
using Paydesk.Core;

namespace Paydesk.Web.Account;

/// <summary>What the subscriptions part of the customer's account page, and its plan-change page, say.</summary>
public sealed class SubscriptionPortalWords
{
    public required string Subscriptions { get; init; }
    public required IReadOnlyDictionary<SubscriptionStatus, string> Statuses { get; init; }
    /// <summary>The next charge, by the date and the amount.</summary>
    public required Func<string, string, string> Renews { get; init; }
    /// <summary>The first charge, at the free trial's end, by the date and the amount.</summary>
    public required Func<string, string, string> TrialEnds { get; init; }
    /// <summary>A cancel at the period's end, by the date.</summary>
    public required Func<string, string> Ends { get; init; }
    /// <summary>A downgrade waiting for the period's end, by the plan and the date.</summary>
    public required Func<string, string, string> Changes { get; init; }
    public required string Card { get; init; }
    public required string Cancel { get; init; }
    public required string UndoCancel { get; init; }
    public required string Pause { get; init; }
    public required string Resume { get; init; }
    /// <summary>The button that opens the provider's page for a new card.</summary>
    public required string UpdateCard { get; init; }
    public required string ChangeTo { get; init; }
    public required string SeePrice { get; init; }
    public required string ChangeTitle { get; init; }
    public required string Credit { get; init; }
    public required string Charge { get; init; }
    public required string Due { get; init; }
    /// <summary>An upgrade's confirmation, by the amount due now.</summary>
    public required Func<string, string> ConfirmUp { get; init; }
    /// <summary>A downgrade's note, by the date it takes effect.</summary>
    public required Func<string, string> DownAt { get; init; }
    public required string ConfirmDown { get; init; }
    /// <summary>Staying on the current plan, which takes back the change waiting for the period's end, by the plan.</summary>
    public required Func<string, string> KeepNote { get; init; }
    /// <summary>The button that stays on the current plan, by the plan.</summary>
    public required Func<string, string> ConfirmKeep { get; init; }
    public required string Back { get; init; }
    public required string Done { get; init; }
    /// <summary>Why something was not done, by the reason.</summary>
    public required Func<string, string> NotDone { get; init; }

    public static readonly Localized<SubscriptionPortalWords> All = new(
        en: new()
        {
            Subscriptions = "Subscriptions",
            Statuses = new Dictionary<SubscriptionStatus, string>
            {
                [SubscriptionStatus.Incomplete] = "incomplete", [SubscriptionStatus.Trialing] = "trial", [SubscriptionStatus.Active] = "active",
                [SubscriptionStatus.PastDue] = "payment due", [SubscriptionStatus.Paused] = "paused", [SubscriptionStatus.Canceled] = "canceled",
            },
            Renews = (date, amount) => $"Renews on {date} for {amount}", TrialEnds = (date, amount) => $"Free until {date}, then {amount}", Ends = date => $"Ends on {date}; nothing more is charged",
            Changes = (plan, date) => $"Changes to {plan} on {date}", Card = "Card",
            Cancel = "Cancel at the period's end", UndoCancel = "Keep it", Pause = "Pause", Resume = "Resume", UpdateCard = "Use another card",
            ChangeTo = "Change to", SeePrice = "See the price",
            ChangeTitle = "Change your plan", Credit = "Unused part of your current plan", Charge = "The new plan for the rest of the period", Due = "To pay now",
            ConfirmUp = amount => $"Pay {amount} and change now", DownAt = date => $"The change takes effect on {date}; nothing is charged now and nothing is paid back.",
            ConfirmDown = "Change at the period's end", Back = "Back to your account",
            KeepNote = plan => $"You stay on {plan}: the change planned for the period's end is taken back. Nothing is charged.", ConfirmKeep = plan => $"Stay on {plan}",
            Done = "Done.", NotDone = why => $"Not done: {why}",
        },
        ru: new()
        {
            Subscriptions = "Подписки",
            Statuses = new Dictionary<SubscriptionStatus, string>
            {
                [SubscriptionStatus.Incomplete] = "не оформлена", [SubscriptionStatus.Trialing] = "пробный период", [SubscriptionStatus.Active] = "активна",
                [SubscriptionStatus.PastDue] = "ждёт оплаты", [SubscriptionStatus.Paused] = "приостановлена", [SubscriptionStatus.Canceled] = "отменена",
            },
            Renews = (date, amount) => $"Продлится {date} за {amount}", TrialEnds = (date, amount) => $"Бесплатно до {date}, затем {amount}", Ends = date => $"Закончится {date}; больше ничего не списывается",
            Changes = (plan, date) => $"Перейдёт на «{plan}» {date}", Card = "Карта",
            Cancel = "Отменить в конце периода", UndoCancel = "Оставить", Pause = "Приостановить", Resume = "Возобновить", UpdateCard = "Сменить карту",
            ChangeTo = "Перейти на", SeePrice = "Узнать цену",
            ChangeTitle = "Смена тарифа", Credit = "Неиспользованная часть текущего тарифа", Charge = "Новый тариф до конца периода", Due = "К оплате сейчас",
            ConfirmUp = amount => $"Оплатить {amount} и перейти сейчас", DownAt = date => $"Переход произойдёт {date}; сейчас ничего не списывается и не возвращается.",
            ConfirmDown = "Перейти в конце периода", Back = "Вернуться в кабинет",
            KeepNote = plan => $"Вы остаётесь на тарифе «{plan}»: переход в конце периода отменяется. Ничего не списывается.", ConfirmKeep = plan => $"Остаться на «{plan}»",
            Done = "Готово.", NotDone = why => $"Не выполнено: {why}",
        },
        ro: new()
        {
            Subscriptions = "Abonamente",
            Statuses = new Dictionary<SubscriptionStatus, string>
            {
                [SubscriptionStatus.Incomplete] = "neîncheiat", [SubscriptionStatus.Trialing] = "probă", [SubscriptionStatus.Active] = "activ",
                [SubscriptionStatus.PastDue] = "plată restantă", [SubscriptionStatus.Paused] = "suspendat", [SubscriptionStatus.Canceled] = "anulat",
            },
            Renews = (date, amount) => $"Se reînnoiește pe {date} pentru {amount}", TrialEnds = (date, amount) => $"Gratuit până pe {date}, apoi {amount}", Ends = date => $"Se încheie pe {date}; nu se mai încasează nimic",
            Changes = (plan, date) => $"Trece la {plan} pe {date}", Card = "Card",
            Cancel = "Anulați la sfârșitul perioadei", UndoCancel = "Păstrați-l", Pause = "Suspendați", Resume = "Reluați", UpdateCard = "Folosiți alt card",
            ChangeTo = "Treceți la", SeePrice = "Vedeți prețul",
            ChangeTitle = "Schimbați planul", Credit = "Partea nefolosită a planului actual", Charge = "Noul plan pentru restul perioadei", Due = "De plată acum",
            ConfirmUp = amount => $"Plătiți {amount} și schimbați acum", DownAt = date => $"Schimbarea are loc pe {date}; nu se încasează și nu se restituie nimic acum.",
            ConfirmDown = "Schimbați la sfârșitul perioadei", Back = "Înapoi la cont",
            KeepNote = plan => $"Rămâneți pe {plan}: schimbarea plănuită pentru sfârșitul perioadei se anulează. Nu se încasează nimic.", ConfirmKeep = plan => $"Rămâneți pe {plan}",
            Done = "Gata.", NotDone = why => $"Nu s-a făcut: {why}",
        });
}
