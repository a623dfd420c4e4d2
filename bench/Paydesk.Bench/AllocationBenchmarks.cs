using BenchmarkDotNet.Attributes;
using Paydesk.Core;

namespace Paydesk.Bench;

/// <summary>What exact splitting costs over the naive integer division it replaces (which loses the remainder).</summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private readonly Money amount = new(1_000_000_007, Currency.RON);
    private long[] weights = [];

    [Params(3, 12)]
    public int Parts { get; set; }

    [GlobalSetup]
    public void Setup() => weights = [.. Enumerable.Range(1, Parts).Select(i => (long)i)];

    [Benchmark(Baseline = true)]
    public long[] IntegerDivisionFloor()
    {
        var parts = new long[Parts];
        var share = amount.Minor / Parts;
        for (var i = 0; i < parts.Length; i++)
            parts[i] = share;
        return parts;
    }

    [Benchmark]
    public Money[] Split() => amount.Split(Parts);

    [Benchmark]
    public Money[] Allocate() => amount.Allocate(weights);
}
