namespace Paydesk.Tests.Api;

public sealed class PaginationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Cursor_pages_walk_every_row_once_in_creation_order(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
            created.Add(await tenant.CreateCustomerAsync($"Customer {i}", null));

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await tenant.GetOk("/api/v1/customers?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page.Items().Select(c => c.Id()).ToList();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Rows_added_while_paging_are_neither_skipped_nor_repeated(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        for (var i = 0; i < 4; i++) await tenant.CreateCustomerAsync($"Before {i}", null);

        var first = await tenant.GetOk("/api/v1/customers?limit=2");
        var late = await tenant.CreateCustomerAsync("Late", null);
        var rest = await tenant.GetOk($"/api/v1/customers?limit=10&cursor={first.Str("nextCursor")}");

        var ids = first.Items().Concat(rest.Items()).Select(c => c.Id()).ToList();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(late, ids[^1]);
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    [InlineData("cursor=aGVsbG8", "cursor")]
    public async Task A_bad_limit_or_cursor_is_named(string query, string field)
    {
        var tenant = await (await PaydeskHost.Shared(Engine.Sqlite)).NewTenantAsync();
        await (await tenant.Http.GetAsync($"/api/v1/plans?{query}")).ShouldBeProblem(400, field);
    }
}
