using Paydesk.Api.Pages;

namespace Paydesk.Subscriptions.Pages;

/// <summary>What the page that pays a subscription's unpaid period by hand says.</summary>
public sealed class PeriodPaymentWords
{
    public required string Title { get; init; }
    public required string Subscription { get; init; }
    public required string Period { get; init; }
    public required string Amount { get; init; }
    public required Func<string, string> Pay { get; init; }
    public required string Paid { get; init; }
    public required string Canceled { get; init; }
    public required string UnderWay { get; init; }
    public required string NoPage { get; init; }

    public static readonly Localized<PeriodPaymentWords> All = new(
        en: new()
        {
            Title = "Pay your subscription", Subscription = "Subscription", Period = "Period", Amount = "Amount",
            Pay = amount => $"Pay {amount}",
            Paid = "This period is paid; there is nothing more to pay.",
            Canceled = "This subscription is canceled; nothing more is charged.",
            UnderWay = "A payment of this period is under way; look again in a few minutes.",
            NoPage = "The provider gave no page to pay on; try again in a minute.",
        },
        ru: new()
        {
            Title = "Оплата подписки", Subscription = "Подписка", Period = "Период", Amount = "Сумма",
            Pay = amount => $"Оплатить {amount}",
            Paid = "Этот период оплачен; платить больше нечего.",
            Canceled = "Подписка отменена; больше ничего не списывается.",
            UnderWay = "Оплата этого периода уже идёт; загляните через несколько минут.",
            NoPage = "Платёжная система не дала страницу оплаты; попробуйте через минуту.",
        },
        ro: new()
        {
            Title = "Plătiți abonamentul", Subscription = "Abonament", Period = "Perioadă", Amount = "Sumă",
            Pay = amount => $"Plătiți {amount}",
            Paid = "Această perioadă este plătită; nu mai este nimic de plătit.",
            Canceled = "Abonamentul este anulat; nu se mai încasează nimic.",
            UnderWay = "O plată a acestei perioade este în curs; reveniți peste câteva minute.",
            NoPage = "Furnizorul nu a dat o pagină de plată; încercați din nou peste un minut.",
        });
}
