using Microsoft.Extensions.Time.Testing;
using Paydesk.Storage;

namespace Paydesk.Tests.Storage;

public sealed class IdGeneratorTests
{
    [Fact]
    public void Ids_made_while_the_clock_stands_still_still_sort_in_the_order_they_were_made()
    {
        var ids = new IdGenerator(new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.Zero)));

        var made = Enumerable.Range(0, 1000).Select(_ => ids.New("ent")).ToList();

        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());
        Assert.All(made, id => Assert.Matches("^ent_[0-9a-hjkmnp-tv-z]{26}$", id));
    }

    [Fact]
    public void A_later_millisecond_sorts_after_and_a_clock_that_goes_back_does_not_break_the_order()
    {
        var clock = new SettableClock { Now = new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.Zero) };
        var ids = new IdGenerator(clock);

        var first = ids.New("x");
        clock.Now += TimeSpan.FromMilliseconds(1);
        var second = ids.New("x");
        clock.Now -= TimeSpan.FromSeconds(5); // NTP stepping the clock back
        var third = ids.New("x");

        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(string.CompareOrdinal(second, third) < 0);
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
