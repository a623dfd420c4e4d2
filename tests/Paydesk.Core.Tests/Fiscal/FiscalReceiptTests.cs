using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Paydesk.Core.Tests;

public class FiscalReceiptTests
{
    private static readonly Currency Rub = Currency.Parse("RUB");

    private static readonly Gen<FiscalLine> Line =
        from quantity in Gen.Frequency((3, Gen.Choose(1, 12)), (1, Gen.Choose(1, 1_000_000)))
        from amount in Gen.Frequency((3, Gen.Choose(0, 500_000)), (1, Gen.Choose(0, int.MaxValue)))
        from name in Gen.Elements("Physiotherapy session", "Пакет из 10 занятий", new string('я', 200), "Resistance band")
        from method in Gen.Elements(FiscalPaymentMethod.FullPrepayment, FiscalPaymentMethod.FullPayment)
        select new FiscalLine(name, quantity, amount, FiscalVat.None, method, FiscalPaymentObject.Service);

    /// <summary>Lines and what was paid for them: their sum as often as not, else anything from nothing to far more.</summary>
    private static readonly Arbitrary<(FiscalLine[] Lines, long Paid)> Sales = (
        from lines in Gen.Choose(1, 8).SelectMany(n => Line.ArrayOf(n))
        from paid in Gen.Frequency(
            (2, Gen.Constant(lines.Sum(l => l.AmountMinor))),
            (1, Gen.Choose(0, int.MaxValue).Select(p => (long)p)),
            (1, Gen.Choose(0, 100).Select(p => lines.Sum(l => l.AmountMinor) * p / 100)))
        select (lines, paid)).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property Items_add_up_to_what_was_paid_and_each_is_its_price_times_its_quantity() =>
        Prop.ForAll(Sales, sale =>
        {
            var receipt = FiscalReceipt.For(new Money(sale.Paid, Rub), sale.Lines);

            Assert.Equal(sale.Paid, receipt.Items.Sum(i => i.AmountMinor));
            Assert.All(receipt.Items, item =>
            {
                Assert.Equal(item.AmountMinor, item.PriceMinor * item.Quantity);
                Assert.True(item.PriceMinor >= 0 && item.Quantity > 0);
                Assert.True(item.Name.Length <= FiscalReceipt.MaxNameLength);
            });
        });

    [Property(MaxTest = 1000)]
    public Property Each_line_keeps_its_quantity_and_signs_in_one_item_or_two_priced_a_kopeck_apart() =>
        Prop.ForAll(Sales, sale =>
        {
            var receipt = FiscalReceipt.For(new Money(sale.Paid, Rub), sale.Lines);

            // Items come in the lines' order.
            var at = 0;
            foreach (var line in sale.Lines)
            {
                var mine = new List<FiscalItem>();
                while (mine.Sum(i => i.Quantity) < line.Quantity) mine.Add(receipt.Items[at++]);
                Assert.Equal(line.Quantity, mine.Sum(i => i.Quantity));
                Assert.InRange(mine.Count, 1, 2);
                if (mine.Count == 2) Assert.Equal(mine[0].PriceMinor + 1, mine[1].PriceMinor);
                Assert.All(mine, i => Assert.Equal((line.Vat, line.Method, line.Object), (i.Vat, i.Method, i.Object)));
            }
            Assert.Equal(receipt.Items.Count, at);
        });

    [Property(MaxTest = 500)]
    public Property Lines_paid_in_full_keep_their_own_amounts() =>
        Prop.ForAll(Sales, sale =>
        {
            var full = sale.Lines.Sum(l => l.AmountMinor);
            var receipt = FiscalReceipt.For(new Money(full, Rub), sale.Lines);
            var perLine = new List<long>();
            var at = 0;
            foreach (var line in sale.Lines)
            {
                var amount = 0L;
                var quantity = 0;
                while (quantity < line.Quantity) { quantity += receipt.Items[at].Quantity; amount += receipt.Items[at].AmountMinor; at++; }
                perLine.Add(amount);
            }
            Assert.Equal(sale.Lines.Select(l => l.AmountMinor), perLine);
        });

    [Fact]
    public void A_package_of_ten_sessions_for_a_discounted_price_is_two_items_a_kopeck_apart()
    {
        var receipt = FiscalReceipt.For(new Money(14_999_95, Rub),
            [new FiscalLine("Пакет из 10 занятий", 10, 14_999_95, FiscalVat.None, FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Service)]);
        Assert.Equal([(5, 1_499_99L, 7_499_95L), (5, 1_500_00L, 7_500_00L)], receipt.Items.Select(i => (i.Quantity, i.PriceMinor, i.AmountMinor)));

        var closing = receipt.Closing();
        Assert.All(closing.Items, i => Assert.Equal(FiscalPaymentMethod.FullPayment, i.Method));
        Assert.Equal(14_999_95L, closing.Items.Sum(i => i.AmountMinor));
    }

    [Fact]
    public void A_name_too_long_is_cut_between_characters()
    {
        var name = new string('a', FiscalReceipt.MaxNameLength - 1) + "😀tail";
        var receipt = FiscalReceipt.For(new Money(100, Rub), [new FiscalLine(name, 1, 100, FiscalVat.Vat20, FiscalPaymentMethod.FullPayment, FiscalPaymentObject.Commodity)]);
        Assert.Equal(new string('a', FiscalReceipt.MaxNameLength - 1), receipt.Items[0].Name);
    }
}
