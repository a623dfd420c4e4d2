using Paydesk.Api.Pages;

namespace Paydesk.Invoices.Pages;

/// <summary>What the printable invoice and credit note say.</summary>
public sealed class InvoiceWords
{
    public required Func<string, string> Invoice { get; init; }
    public required Func<string, string> CreditNote { get; init; }
    public required string Issued { get; init; }
    public required string Order { get; init; }
    public required string Payment { get; init; }
    public required string Refund { get; init; }
    public required string InvoiceLabel { get; init; }
    public required string BilledTo { get; init; }
    public required string CreditedTo { get; init; }
    public required string Description { get; init; }
    public required string Quantity { get; init; }
    public required string UnitPrice { get; init; }
    public required string Amount { get; init; }
    public required string Total { get; init; }
    public required string Included { get; init; }
    public required Func<int, string> PlanVersion { get; init; }
    public required Func<string, string> PaidBy { get; init; }
    public required string Refunded { get; init; }
    public required string RefundedInTotal { get; init; }
    public required string PaidLessRefunds { get; init; }
    public required Func<string, string, string> RefundOn { get; init; }
    public required string Credited { get; init; }
    public required Func<string, string> PaidBack { get; init; }
    public required string PrintInvoice { get; init; }
    public required string PrintCreditNote { get; init; }

    public static readonly Localized<InvoiceWords> All = new(
        en: new()
        {
            Invoice = number => $"Invoice {number}",
            CreditNote = number => $"Credit note {number}",
            Issued = "Issued",
            Order = "Order",
            Payment = "Payment",
            Refund = "Refund",
            InvoiceLabel = "Invoice",
            BilledTo = "Billed to",
            CreditedTo = "Credited to",
            Description = "Description",
            Quantity = "Quantity",
            UnitPrice = "Unit price",
            Amount = "Amount",
            Total = "Total",
            Included = "included",
            PlanVersion = v => $"(plan version {v})",
            PaidBy = payment => $"Paid by payment {payment}.",
            Refunded = "Refunded",
            RefundedInTotal = "Refunded in total",
            PaidLessRefunds = "Paid, less refunds",
            RefundOn = (invoice, total) => $"Refund on invoice {invoice} of {total}",
            Credited = "Credited",
            PaidBack = payment => $"Paid back on payment {payment}, the way it was paid.",
            PrintInvoice = "Use your browser's Print command to print this invoice or save it as a PDF.",
            PrintCreditNote = "Use your browser's Print command to print this credit note or save it as a PDF.",
        },
        ru: new()
        {
            Invoice = number => $"Счёт {number}",
            CreditNote = number => $"Кредит-нота {number}",
            Issued = "Выставлен",
            Order = "Заказ",
            Payment = "Платёж",
            Refund = "Возврат",
            InvoiceLabel = "Счёт",
            BilledTo = "Плательщик",
            CreditedTo = "Получатель возврата",
            Description = "Описание",
            Quantity = "Кол-во",
            UnitPrice = "Цена",
            Amount = "Сумма",
            Total = "Итого",
            Included = "включено",
            PlanVersion = v => $"(версия тарифа {v})",
            PaidBy = payment => $"Оплачено платежом {payment}.",
            Refunded = "Возвраты",
            RefundedInTotal = "Возвращено всего",
            PaidLessRefunds = "Оплачено за вычетом возвратов",
            RefundOn = (invoice, total) => $"Возврат по счёту {invoice} на {total}",
            Credited = "Возвращено",
            PaidBack = payment => $"Возвращено на платёж {payment} тем же способом, которым он был оплачен.",
            PrintInvoice = "Чтобы распечатать счёт или сохранить его в PDF, воспользуйтесь печатью в браузере.",
            PrintCreditNote = "Чтобы распечатать кредит-ноту или сохранить её в PDF, воспользуйтесь печатью в браузере.",
        },
        ro: new()
        {
            Invoice = number => $"Factura {number}",
            CreditNote = number => $"Factura de stornare {number}",
            Issued = "Emisă",
            Order = "Comanda",
            Payment = "Plata",
            Refund = "Rambursarea",
            InvoiceLabel = "Factura",
            BilledTo = "Facturat către",
            CreditedTo = "Creditat către",
            Description = "Descriere",
            Quantity = "Cantitate",
            UnitPrice = "Preț unitar",
            Amount = "Sumă",
            Total = "Total",
            Included = "inclus",
            PlanVersion = v => $"(versiunea planului {v})",
            PaidBy = payment => $"Plătită prin plata {payment}.",
            Refunded = "Rambursări",
            RefundedInTotal = "Rambursat în total",
            PaidLessRefunds = "Plătit, minus rambursările",
            RefundOn = (invoice, total) => $"Rambursare pentru factura {invoice} de {total}",
            Credited = "Creditat",
            PaidBack = payment => $"Rambursat pe plata {payment}, în modul în care a fost plătită.",
            PrintInvoice = "Folosiți comanda Tipărire a browserului pentru a tipări factura sau a o salva ca PDF.",
            PrintCreditNote = "Folosiți comanda Tipărire a browserului pentru a tipări factura de stornare sau a o salva ca PDF.",
        });
}
