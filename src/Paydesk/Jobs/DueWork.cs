using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Jobs;

/// <summary>A row of some tenant that a job must work on.</summary>
public sealed record DueRow(string TenantId, string Id);

/// <summary>
/// The shape of a pass of a background job: find what is due across all tenants (the query
/// ignores the tenant filter on purpose), then work on each row in a scope of its own, under the
/// row's tenant, as a request of that tenant would.
/// </summary>
public static class DueWork
{
    public const int BatchSize = 100;

    /// <summary>Answers for how many rows the work answered true.</summary>
    public static async Task<int> ForEachAsync(
        IServiceScopeFactory scopes, Func<PaydeskDb, IQueryable<DueRow>> due, Func<IServiceProvider, string, Task<bool>> work, CancellationToken ct)
    {
        List<DueRow> rows;
        await using (var scope = scopes.CreateAsyncScope())
        {
            rows = await due(scope.ServiceProvider.GetRequiredService<PaydeskDb>()).Take(BatchSize).ToListAsync(ct);
        }
        var done = 0;
        foreach (var row in rows)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(row.TenantId, Role.TenantAdmin);
            if (await work(scope.ServiceProvider, row.Id)) done++;
        }
        return done;
    }
}
