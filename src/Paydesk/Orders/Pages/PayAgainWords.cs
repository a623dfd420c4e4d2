using Paydesk.Api.Pages;

namespace Paydesk.Orders.Pages;

/// <summary>What the page a failed or expired payment's email leads to says.</summary>
public sealed class PayAgainWords
{
    public required string Title { get; init; }
    public required string Order { get; init; }
    public required string Description { get; init; }
    public required string Quantity { get; init; }
    public required string Amount { get; init; }
    public required string Total { get; init; }
    public required string Included { get; init; }
    public required Func<string, string> Pay { get; init; }
    public required string Expired { get; init; }
    public required string Canceled { get; init; }
    public required string Paid { get; init; }
    public required string NoPage { get; init; }

    public static readonly Localized<PayAgainWords> All = new(
        en: new()
        {
            Title = "Pay your order",
            Order = "Order",
            Description = "Description",
            Quantity = "Quantity",
            Amount = "Amount",
            Total = "Total",
            Included = "included",
            Pay = amount => $"Pay {amount}",
            Expired = "This order has expired; nothing was charged. Place it again to buy.",
            Canceled = "This order was canceled; nothing was charged.",
            Paid = "This order is paid already; there is nothing more to pay.",
            NoPage = "The provider gave no page to pay on; try again in a minute.",
        },
        ru: new()
        {
            Title = "Оплата заказа",
            Order = "Заказ",
            Description = "Описание",
            Quantity = "Кол-во",
            Amount = "Сумма",
            Total = "Итого",
            Included = "включено",
            Pay = amount => $"Оплатить {amount}",
            Expired = "Срок заказа истёк; деньги не списаны. Чтобы купить, оформите его заново.",
            Canceled = "Заказ отменён; деньги не списаны.",
            Paid = "Заказ уже оплачен; больше платить нечего.",
            NoPage = "Платёжная система не дала страницу оплаты; попробуйте через минуту.",
        },
        ro: new()
        {
            Title = "Plătiți comanda",
            Order = "Comanda",
            Description = "Descriere",
            Quantity = "Cantitate",
            Amount = "Sumă",
            Total = "Total",
            Included = "inclus",
            Pay = amount => $"Plătiți {amount}",
            Expired = "Comanda a expirat; nu s-a încasat nimic. Plasați-o din nou pentru a cumpăra.",
            Canceled = "Comanda a fost anulată; nu s-a încasat nimic.",
            Paid = "Comanda este deja plătită; nu mai este nimic de plătit.",
            NoPage = "Procesatorul nu a oferit o pagină de plată; încercați din nou peste un minut.",
        });
}
