namespace Paydesk.Tests;

/// <summary>Holds stop a process dead at a named place; they must never be reachable outside the tests.</summary>
public sealed class FaultPointsTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Holds_are_for_tests_only_a_process_in_another_environment_refuses_to_start_with_them(string environment)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Environment = environment, Settings = new Dictionary<string, string> { [FaultPoints.HoldSetting] = FaultPoints.JobClaimed("fulfil-order") },
        }));
        Assert.Contains($"{FaultPoints.HoldSetting} is set", refused.Message);
        Assert.Contains(environment, refused.Message);
    }

    [Fact]
    public async Task A_hold_at_a_place_that_is_not_a_fault_point_is_refused_by_name()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Settings = new Dictionary<string, string> { [FaultPoints.HoldSetting] = $"{FaultPoints.AfterOrderPlaced}*2,after-lunch" },
        }));
        Assert.Contains("'after-lunch' is not a fault point", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Settings = new Dictionary<string, string> { [FaultPoints.HoldSetting] = $"{FaultPoints.AfterOrderPlaced}*0" },
        }));
    }
}
