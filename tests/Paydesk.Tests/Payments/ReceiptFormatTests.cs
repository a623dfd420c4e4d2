using System.Text.Json.Nodes;
using Paydesk.Core;
using Paydesk.Payments.Fiscal;

namespace Paydesk.Tests.Payments;

/// <summary>A fiscal receipt in T-Bank's and Robokassa's shapes, for a prepaid package whose price does not divide by its sessions.</summary>
public sealed class ReceiptFormatTests
{
    private static readonly FiscalReceipt Package = FiscalReceipt.For(new Money(15_999_95, Currency.Parse("RUB")),
    [
        new FiscalLine("Пакет из 10 занятий", 10, 14_999_95, FiscalVat.None, FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Service),
        new FiscalLine("Эспандер", 1, 1_000_00, FiscalVat.Vat20, FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Commodity),
    ]);

    [Fact]
    public void T_Bank_takes_kopecks_and_each_item_s_price_times_quantity_is_its_amount()
    {
        var expected = JsonNode.Parse("""
            {"Email":"patient@example.com","Taxation":"usn_income","Items":[
              {"Name":"Пакет из 10 занятий","Price":149999,"Quantity":5,"Amount":749995,"Tax":"none","PaymentMethod":"full_prepayment","PaymentObject":"service"},
              {"Name":"Пакет из 10 занятий","Price":150000,"Quantity":5,"Amount":750000,"Tax":"none","PaymentMethod":"full_prepayment","PaymentObject":"service"},
              {"Name":"Эспандер","Price":100000,"Quantity":1,"Amount":100000,"Tax":"vat20","PaymentMethod":"full_prepayment","PaymentObject":"commodity"}]}
            """);
        var receipt = ReceiptFormats.TBank(Package, "usn_income", "patient@example.com", null);
        Assert.True(JsonNode.DeepEquals(expected, receipt), receipt.ToJsonString());
    }

    [Fact]
    public void Robokassa_takes_each_item_s_sum_in_rubles_and_the_closing_receipt_says_full_payment()
    {
        var closing = ReceiptFormats.Robokassa(Package.Closing(), "osn");
        closing["sno"]!.GetValue<string>().ShouldBe("osn");
        var items = closing["items"]!.AsArray();
        items.Select(i => (i!["quantity"]!.GetValue<int>(), i["sum"]!.GetValue<decimal>(), i["payment_method"]!.GetValue<string>(), i["tax"]!.GetValue<string>()))
            .ToList().ShouldBe([(5, 7499.95m, "full_payment", "none"), (5, 7500m, "full_payment", "none"), (1, 1000m, "full_payment", "vat20")]);
        items.Sum(i => i!["sum"]!.GetValue<decimal>()).ShouldBe(15_999.95m);
    }
}
