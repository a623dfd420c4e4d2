using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Paydesk.Tests.Payments;

/// <summary>One random operation of a round: what it is, and running it answers what went wrong, if anything.</summary>
public sealed record RandomOp(string What, Func<Task<string?>> Run);

/// <summary>
/// Rounds of random operations on a provider's payments, several at once, with the books checked
/// at rest after every round: what the refund tests of each real provider share. The operations
/// through Paydesk's API are here; each provider adds its own (a refund in its dashboard, its
/// notifications broken) and its own checker of the books.
/// </summary>
public static class RandomRefundRounds
{
    public static async Task RunAsync(
        ITestOutputHelper output, int seed, Random random, Engine engine, int rounds, Func<RandomOp> plan, Func<Task> atRest, Func<Task<List<string>>> broken)
    {
        for (var round = 1; round <= rounds; round++)
        {
            var ops = Enumerable.Range(0, random.Next(2, 6)).Select(_ => plan()).ToList();
            output.WriteLine($"round {round}: {string.Join("; ", ops.Select(o => o.What))}");
            var wrong = new ConcurrentBag<string>();
            await Task.WhenAll(ops.Select(op => Task.Run(async () =>
            {
                if (await op.Run() is { } problem) wrong.Add($"{op.What}: {problem}");
            })));
            // At rest: notifications answered, jobs run — and a check that waited for refunds in flight run too.
            List<string> found = [];
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await atRest();
                found = [.. wrong, .. await broken()];
                if (found.Count == 0) break;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            Assert.True(found.Count == 0, $"Seed {seed} (PAYDESK_TEST_SEED={seed}), {engine}, after round {round}:\n  {string.Join("\n  ", found)}");
        }
    }

    public static RandomOp Refund(TenantClient tenant, string paymentId, long amount, string currency) =>
        new($"refund {amount} of {paymentId} by API", async () =>
        {
            var answer = await tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount, currency }, reason = "random" });
            // Too much for what is left: refused, and nothing changes.
            return answer.IsSuccessStatusCode || answer.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest ? null : $"answered {(int)answer.StatusCode}";
        });

    public static RandomOp RefundTheRest(TenantClient tenant, string paymentId) =>
        new($"refund the rest of {paymentId} by API", async () =>
        {
            var answer = await tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { reason = "the rest" });
            return answer.IsSuccessStatusCode || answer.StatusCode == HttpStatusCode.Conflict ? null : $"answered {(int)answer.StatusCode}";
        });

    public static RandomOp CheckNow(TenantClient tenant, string paymentId) =>
        new($"check {paymentId} now", async () =>
        {
            var answer = await tenant.Post($"/api/v1/payments/{paymentId}/reconcile", new { });
            return answer.IsSuccessStatusCode ? null : $"answered {(int)answer.StatusCode}";
        });

    /// <summary>
    /// Whether a payment's flag for a person is only what a random refund may rightly cause: the
    /// provider refusing a refund larger than what was left after one made in its dashboard.
    /// </summary>
    public static bool OnlyRefusedRefunds(string? review, string refusal) =>
        review is null || review.Split(" Before that: ").All(r => r.StartsWith("Refund re_", StringComparison.Ordinal) && r.Contains(refusal, StringComparison.Ordinal));
}
