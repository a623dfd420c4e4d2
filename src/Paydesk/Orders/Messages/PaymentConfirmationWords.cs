using Paydesk.Api.Pages;

namespace Paydesk.Orders.Messages;

/// <summary>What the payment confirmation (<see cref="PaymentConfirmation"/>) says.</summary>
public sealed class PaymentConfirmationWords
{
    /// <summary>The subject, by the invoice's number (or the order's).</summary>
    public required Func<string, string> Subject { get; init; }
    /// <summary>The thanks, by the merchant's name and the amount paid (either may be HTML already, so the words hold no markup).</summary>
    public required Func<string, string, string> Thanks { get; init; }
    public required string WhatYouBought { get; init; }
    /// <summary>The invoice by its number: "Invoice INV-000001".</summary>
    public required Func<string, string> Invoice { get; init; }
    /// <summary>A line's amount when more than one was bought, by the amount and the price of one.</summary>
    public required Func<string, string, string> Each { get; init; }
    /// <summary>The price of a product that came with a plan.</summary>
    public required string Included { get; init; }
    public required string Total { get; init; }
    public required string ActiveNow { get; init; }
    /// <summary>A product the order ships, by what it is: "2 × Resistance band: will be shipped".</summary>
    public required Func<string, string> WillShip { get; init; }
    public required string InvoiceReady { get; init; }
    public required string ViewInvoice { get; init; }

    public static readonly Localized<PaymentConfirmationWords> All = new(
        en: new()
        {
            Subject = reference => $"Payment received — {reference}",
            Thanks = (merchant, amount) => $"Thank you: {merchant} has received your payment of {amount}.",
            WhatYouBought = "What you bought",
            Invoice = number => $"Invoice {number}",
            Each = (amount, one) => $"{amount} ({one} each)",
            Included = "included",
            Total = "Total",
            ActiveNow = "Active now",
            WillShip = what => $"{what}: will be shipped",
            InvoiceReady = "Your invoice, ready to print:",
            ViewInvoice = "View and print your invoice",
        },
        ru: new()
        {
            Subject = reference => $"Оплата получена — {reference}",
            Thanks = (merchant, amount) => $"Спасибо! Ваш платёж на сумму {amount} в пользу {merchant} получен.",
            WhatYouBought = "Что вы купили",
            Invoice = number => $"Счёт {number}",
            Each = (amount, one) => $"{amount} (по {one})",
            Included = "включено",
            Total = "Итого",
            ActiveNow = "Уже активно",
            WillShip = what => $"{what}: ожидает отправки",
            InvoiceReady = "Ваш счёт, готовый к печати:",
            ViewInvoice = "Открыть и распечатать счёт",
        },
        ro: new()
        {
            Subject = reference => $"Plata a fost primită — {reference}",
            Thanks = (merchant, amount) => $"Vă mulțumim! {merchant} a primit plata dvs. de {amount}.",
            WhatYouBought = "Ce ați cumpărat",
            Invoice = number => $"Factura {number}",
            Each = (amount, one) => $"{amount} ({one} fiecare)",
            Included = "inclus",
            Total = "Total",
            ActiveNow = "Activ acum",
            WillShip = what => $"{what}: urmează expedierea",
            InvoiceReady = "Factura dvs., gata de tipărit:",
            ViewInvoice = "Vedeți și tipăriți factura",
        });
}
