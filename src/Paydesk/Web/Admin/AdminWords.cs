using Paydesk.Api.Pages;
using Paydesk.Core;

namespace Paydesk.Web.Admin;

/// <summary>What the tenant's back office says.</summary>
public sealed class AdminWords
{
    public required string Dashboard { get; init; }
    public required string Orders { get; init; }
    public required string Customers { get; init; }
    public required string FailedActivations { get; init; }
    public required string AuditLog { get; init; }
    public required string TodaysRevenue { get; init; }
    public required string PaymentsByStatus { get; init; }
    public required string DeadJobs { get; init; }
    public required string None { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Order { get; init; }
    public required string Customer { get; init; }
    public required string Total { get; init; }
    public required string Status { get; init; }
    public required string Created { get; init; }
    public required string What { get; init; }
    public required string Entitlements { get; init; }
    public required string UseSession { get; init; }
    public required string Uses { get; init; }
    public required string Cards { get; init; }
    public required string Undo { get; init; }
    public required string Undone { get; init; }
    public required string Payments { get; init; }
    public required string Payment { get; init; }
    public required string Amount { get; init; }
    public required string Refunded { get; init; }
    public required string Refund { get; init; }
    public required string RefundAmount { get; init; }
    public required string RefundHint { get; init; }
    public required string Reason { get; init; }
    public required string RefundButton { get; init; }
    public required Func<string, string> ActivationFailed { get; init; }
    public required string ActivateNow { get; init; }
    public required string ActivateHint { get; init; }
    public required string RetryActivation { get; init; }
    public required string RetryHint { get; init; }
    public required string RetryQueued { get; init; }
    public required Func<int, string> Tries { get; init; }
    public required Func<string, string> NextTry { get; init; }
    public required string NoMoreTries { get; init; }
    public required string TryingNow { get; init; }
    public required string When { get; init; }
    public required string Who { get; init; }
    public required string Action { get; init; }
    public required string Record { get; init; }
    public required string Before { get; init; }
    public required string After { get; init; }
    public required string Change { get; init; }
    public required string Done { get; init; }
    public required string AmountInvalid { get; init; }
    public required string AdminOnly { get; init; }
    public required IReadOnlyDictionary<PaymentStatus, string> PaymentStatuses { get; init; }

    public static readonly Localized<AdminWords> All = new(
        en: new()
        {
            Dashboard = "Dashboard", Orders = "Orders", Customers = "Customers", FailedActivations = "Failed activations", AuditLog = "Audit log",
            TodaysRevenue = "Today's revenue", PaymentsByStatus = "Payments by status", DeadJobs = "Dead jobs", None = "Nothing here.",
            Name = "Name", Email = "Email", Order = "Order", Customer = "Customer", Total = "Total", Status = "Status", Created = "Created",
            What = "What", Entitlements = "Entitlements", UseSession = "Use a session", Uses = "Sessions used", Cards = "Saved cards (renewals are charged to these)", Undo = "Undo", Undone = "undone",
            Payments = "Payments", Payment = "Payment", Amount = "Amount", Refunded = "Refunded", Refund = "Refund",
            RefundAmount = "Amount to refund", RefundHint = "Leave it as it is to refund all that is left.", Reason = "Reason",
            RefundButton = "Refund", ActivationFailed = error => $"Activation failed: {error}", ActivateNow = "Activate now, by hand",
            ActivateHint = "Runs the activation here and now and shows what came of it; it grants nothing twice.",
            RetryActivation = "Retry", RetryHint = "Hands it back to the automatic activation, due now, with its schedule of retries started afresh.",
            RetryQueued = "Queued: the activation runs again in a moment.",
            Tries = n => n == 1 ? "Tried once." : $"Tried {n} times.", NextTry = at => $"Next automatic try: {at}.",
            NoMoreTries = "No more automatic tries.", TryingNow = "Being tried now.",
            When = "When", Who = "Who", Action = "Action", Record = "Record", Before = "Before", After = "After", Change = "What changed", Done = "Done.",
            AmountInvalid = "Enter an amount like 250.00.", AdminOnly = "Only the tenant's admins may do this.",
            PaymentStatuses = new Dictionary<PaymentStatus, string>
            {
                [PaymentStatus.Created] = "created", [PaymentStatus.Pending] = "pending", [PaymentStatus.Unknown] = "unknown, being checked",
                [PaymentStatus.Succeeded] = "succeeded", [PaymentStatus.Failed] = "failed", [PaymentStatus.Canceled] = "canceled",
                [PaymentStatus.Expired] = "expired", [PaymentStatus.PartiallyRefunded] = "partly refunded", [PaymentStatus.Refunded] = "refunded",
            },
        },
        ru: new()
        {
            Dashboard = "Сводка", Orders = "Заказы", Customers = "Клиенты", FailedActivations = "Сбои активации", AuditLog = "Журнал действий",
            TodaysRevenue = "Выручка за сегодня", PaymentsByStatus = "Платежи по статусам", DeadJobs = "Остановленные задачи", None = "Здесь пусто.",
            Name = "Имя", Email = "Эл. почта", Order = "Заказ", Customer = "Клиент", Total = "Сумма", Status = "Статус", Created = "Создан",
            What = "Что", Entitlements = "Права", UseSession = "Списать сеанс", Uses = "Списанные сеансы", Cards = "Сохранённые карты (с них списываются продления)", Undo = "Отменить", Undone = "отменено",
            Payments = "Платежи", Payment = "Платёж", Amount = "Сумма", Refunded = "Возвращено", Refund = "Возврат",
            RefundAmount = "Сумма возврата", RefundHint = "Оставьте как есть, чтобы вернуть всё, что осталось.", Reason = "Причина",
            RefundButton = "Вернуть", ActivationFailed = error => $"Сбой активации: {error}", ActivateNow = "Активировать вручную сейчас",
            ActivateHint = "Запускает активацию здесь и сейчас и показывает результат; ничего не выдаётся дважды.",
            RetryActivation = "Повторить", RetryHint = "Возвращает заказ автоматической активации: она запустится сейчас, а график повторов начнётся заново.",
            RetryQueued = "В очереди: активация сейчас повторится.",
            Tries = n => $"Попыток: {n}.",
            NextTry = at => $"Следующая автоматическая попытка: {at}.",
            NoMoreTries = "Автоматических попыток больше не будет.", TryingNow = "Выполняется сейчас.",
            When = "Когда", Who = "Кто", Action = "Действие", Record = "Запись", Before = "До", After = "После", Change = "Что изменилось", Done = "Готово.",
            AmountInvalid = "Укажите сумму вида 250.00.", AdminOnly = "Это могут только администраторы.",
            PaymentStatuses = new Dictionary<PaymentStatus, string>
            {
                [PaymentStatus.Created] = "создан", [PaymentStatus.Pending] = "в обработке", [PaymentStatus.Unknown] = "неизвестен, проверяется",
                [PaymentStatus.Succeeded] = "успешен", [PaymentStatus.Failed] = "отклонён", [PaymentStatus.Canceled] = "отменён",
                [PaymentStatus.Expired] = "истёк", [PaymentStatus.PartiallyRefunded] = "частично возвращён", [PaymentStatus.Refunded] = "возвращён",
            },
        },
        ro: new()
        {
            Dashboard = "Panou", Orders = "Comenzi", Customers = "Clienți", FailedActivations = "Activări eșuate", AuditLog = "Jurnal de acțiuni",
            TodaysRevenue = "Încasări azi", PaymentsByStatus = "Plăți după stare", DeadJobs = "Sarcini oprite", None = "Nimic aici.",
            Name = "Nume", Email = "E-mail", Order = "Comandă", Customer = "Client", Total = "Total", Status = "Stare", Created = "Creată",
            What = "Ce", Entitlements = "Drepturi", UseSession = "Folosiți o ședință", Uses = "Ședințe folosite", Cards = "Carduri salvate (reînnoirile se plătesc cu ele)", Undo = "Anulați", Undone = "anulată",
            Payments = "Plăți", Payment = "Plată", Amount = "Sumă", Refunded = "Rambursat", Refund = "Rambursare",
            RefundAmount = "Suma de rambursat", RefundHint = "Lăsați-o așa pentru a rambursa tot ce a rămas.", Reason = "Motiv",
            RefundButton = "Rambursați", ActivationFailed = error => $"Activarea a eșuat: {error}", ActivateNow = "Activați acum, manual",
            ActivateHint = "Rulează activarea aici și acum și arată rezultatul; nu acordă nimic de două ori.",
            RetryActivation = "Reîncercați", RetryHint = "O predă din nou activării automate, acum, cu programul de reîncercări luat de la capăt.",
            RetryQueued = "În coadă: activarea rulează din nou imediat.",
            Tries = n => n == 1 ? "Încercată o dată." : $"Încercată de {n} ori.", NextTry = at => $"Următoarea încercare automată: {at}.",
            NoMoreTries = "Nu mai urmează încercări automate.", TryingNow = "Se încearcă acum.",
            When = "Când", Who = "Cine", Action = "Acțiune", Record = "Înregistrare", Before = "Înainte", After = "După", Change = "Ce s-a schimbat", Done = "Gata.",
            AmountInvalid = "Introduceți o sumă de forma 250.00.", AdminOnly = "Doar administratorii pot face asta.",
            PaymentStatuses = new Dictionary<PaymentStatus, string>
            {
                [PaymentStatus.Created] = "creată", [PaymentStatus.Pending] = "în curs", [PaymentStatus.Unknown] = "necunoscută, se verifică",
                [PaymentStatus.Succeeded] = "reușită", [PaymentStatus.Failed] = "refuzată", [PaymentStatus.Canceled] = "anulată",
                [PaymentStatus.Expired] = "expirată", [PaymentStatus.PartiallyRefunded] = "rambursată parțial", [PaymentStatus.Refunded] = "rambursată",
            },
        });
}
