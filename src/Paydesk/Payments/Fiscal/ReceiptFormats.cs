using System.Text.Json.Nodes;
using Paydesk.Core;

namespace Paydesk.Payments.Fiscal;

/// <summary>
/// A <see cref="FiscalReceipt"/> in the shapes the providers take: T-Bank's <c>Receipt</c> (FFD
/// 1.05: money in kopecks, each item's Price × Quantity = Amount) and Robokassa's <c>Receipt</c>
/// (each item's <c>sum</c> in rubles).
/// </summary>
public static class ReceiptFormats
{
    /// <param name="taxation">The tenant's tax regime as the providers spell it: osn, usn_income, usn_income_outcome, esn, patent.</param>
    public static JsonObject TBank(FiscalReceipt receipt, string taxation, string? email, string? phone)
    {
        var items = new JsonArray();
        foreach (var item in receipt.Items)
        {
            items.Add(new JsonObject
            {
                ["Name"] = item.Name, ["Price"] = item.PriceMinor, ["Quantity"] = item.Quantity, ["Amount"] = item.AmountMinor,
                ["Tax"] = Tax(item.Vat), ["PaymentMethod"] = Method(item.Method), ["PaymentObject"] = Object(item.Object),
            });
        }
        var json = new JsonObject();
        if (email is not null) json["Email"] = email;
        if (phone is not null) json["Phone"] = phone;
        json["Taxation"] = taxation;
        json["Items"] = items;
        return json;
    }

    public static JsonObject Robokassa(FiscalReceipt receipt, string taxation)
    {
        var items = new JsonArray();
        foreach (var item in receipt.Items)
        {
            items.Add(new JsonObject
            {
                ["name"] = item.Name, ["quantity"] = item.Quantity, ["sum"] = JsonValue.Create(Major(item.AmountMinor, receipt.Total.Currency)),
                ["payment_method"] = Method(item.Method), ["payment_object"] = Object(item.Object), ["tax"] = Tax(item.Vat),
            });
        }
        return new JsonObject { ["sno"] = taxation, ["items"] = items };
    }

    /// <summary>An amount in the currency's major unit, exactly (<c>7499.95</c>).</summary>
    private static decimal Major(long minor, Currency currency) => new Money(minor, currency).ToMajor();

    public static string Tax(FiscalVat vat) => vat switch
    {
        FiscalVat.Vat0 => "vat0",
        FiscalVat.Vat10 => "vat10",
        FiscalVat.Vat20 => "vat20",
        _ => "none",
    };

    private static string Method(FiscalPaymentMethod method) => method == FiscalPaymentMethod.FullPrepayment ? "full_prepayment" : "full_payment";

    private static string Object(FiscalPaymentObject o) => o == FiscalPaymentObject.Commodity ? "commodity" : "service";
}
