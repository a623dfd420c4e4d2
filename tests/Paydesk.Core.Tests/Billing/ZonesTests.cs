namespace Paydesk.Core.Tests;

public class ZonesTests
{
    [Theory]
    [InlineData("Europe/Bucharest")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    [InlineData("UTC")]
    public void Iana_ids_are_found(string id)
    {
        Assert.True(Zones.TryGet(id, out var zone));
        Assert.Equal(id, zone.Id);
        Assert.Same(zone, Zones.Get(id));
    }

    [Theory]
    [InlineData("europe/bucharest")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("UTC+03")]
    [InlineData("+02:00")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_rejected(string? id)
    {
        Assert.False(Zones.TryGet(id, out var zone));
        Assert.Null(zone);
        Assert.Throws<ArgumentException>(() => Zones.Get(id!));
    }
}
