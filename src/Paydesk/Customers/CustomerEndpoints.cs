using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Customers;

public sealed record CustomerInput(
    string? Name, string? Email, string? Phone, long? TelegramId, string? Locale, string? TimeZone, AddressInput? Address = null);

public sealed record CustomerView(
    string Id, string Name, string? Email, string? Phone, long? TelegramId, string Locale, string TimeZone, PostalAddress? Address,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CustomerView From(Customer c) => new(
        c.Id, c.Name, c.Email, c.Phone, c.TelegramId, c.Locale, c.TimeZone, c.Address,
        c.ArchivedAt is null ? "active" : "archived", c.CreatedAt, c.UpdatedAt);
}

/// <summary>Creates, revises and archives customers; a customer may revise only themself.</summary>
public sealed class SaveCustomer(PaydeskDb db, IdGenerator ids, TimeProvider time, EndCustomerSessions sessions)
{
    public async Task<Result<CustomerView>> Create(CustomerInput input, CancellationToken ct)
    {
        var tenant = await db.Tenants.SingleAsync(t => t.Id == db.Tenant.TenantId, ct);
        var customer = new Customer
        {
            TenantId = "", Id = ids.New("cus"), Name = "", Locale = "en", TimeZone = tenant.TimeZone,
            CreatedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow(),
        };
        if (Apply(customer, input, creating: true) is { } problem) return problem;
        db.Customers.Add(customer);
        await db.SaveChangesAsync(ct);
        return CustomerView.From(customer);
    }

    public async Task<Result<CustomerView>> Update(string id, CustomerInput input, CancellationToken ct)
    {
        var customer = await CustomerQueries.Visible(db).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null) return Problem.NotFound("customer", id);
        if (Apply(customer, input, creating: false) is { } problem) return problem;
        customer.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return CustomerView.From(customer);
    }

    /// <summary>
    /// Archives the customer and, in the same commit, ends their sessions: an archived customer's
    /// key must not go on placing orders.
    /// </summary>
    public async Task<Result<CustomerView>> Archive(string id, CancellationToken ct)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null) return Problem.NotFound("customer", id);
        customer.ArchivedAt ??= time.GetUtcNow();
        await sessions.RevokeActive(customer.Id, ct);
        await db.SaveChangesAsync(ct);
        return CustomerView.From(customer);
    }

    private static Problem? Apply(Customer customer, CustomerInput input, bool creating)
    {
        var errors = new FieldErrors();
        if (creating || input.Name is not null) customer.Name = errors.Text("name", input.Name);
        if (input.Email is not null) customer.Email = errors.Email("email", input.Email);
        if (input.Phone is not null) customer.Phone = errors.OptionalText("phone", input.Phone, 32);
        if (input.TelegramId is { } telegramId)
        {
            if (telegramId <= 0) errors.Add("telegramId", "must be a positive Telegram user id.");
            customer.TelegramId = telegramId;
        }
        if (input.Locale is not null) customer.Locale = errors.Text("locale", input.Locale, 35);
        if (input.TimeZone is not null) customer.TimeZone = errors.TimeZone("timeZone", input.TimeZone, customer.TimeZone);
        if (input.Address is not null) customer.Address = PostalAddress.Read(errors, "address", input.Address);
        return errors.Any ? errors.ToProblem() : null;
    }
}

internal static class CustomerQueries
{
    /// <summary>The customers the caller may see: all of the tenant's, or a customer only themself (the query filter on customers).</summary>
    public static IQueryable<Customer> Visible(PaydeskDb db) => db.Customers;
}

internal static class CustomerEndpoints
{
    public static void MapCustomers(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(Policies.Any);

        customers.MapGet("/", async (PageRequest page, PaydeskDb db, CancellationToken ct) =>
            (await page.Run(CustomerQueries.Visible(db), CustomerView.From, ct)).Ok()).Lists<CustomerView>()
            .WithName("listCustomers").WithSummary("List customers (a customer's own key: only itself)");

        customers.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(
                await CustomerQueries.Visible(db).Where(c => c.Id == id).Select(c => CustomerView.From(c)).FirstOrDefaultAsync(ct),
                "customer", id)).Reads<CustomerView>().WithName("getCustomer").WithSummary("Read a customer");

        customers.MapPost("/", async (CustomerInput body, SaveCustomer save, CancellationToken ct) =>
            (await save.Create(body, ct)).Created(c => $"/api/v1/customers/{c.Id}"))
            .RequireAuthorization(Policies.Staff).Creates<CustomerView>().WithName("createCustomer").WithSummary("Create a customer");

        customers.MapPatch("/{id}", async (string id, CustomerInput body, SaveCustomer save, CancellationToken ct) =>
            (await save.Update(id, body, ct)).Ok()).Revises<CustomerView>()
            .WithName("reviseCustomer").WithSummary("Revise a customer (a customer's own key: only itself)");

        customers.MapPost("/{id}/archive", async (string id, SaveCustomer save, CancellationToken ct) =>
            (await save.Archive(id, ct)).Ok()).RequireAuthorization(Policies.Staff).Reads<CustomerView>()
            .WithName("archiveCustomer").WithSummary("Archive a customer, ending their sessions");

        customers.MapCustomerSessions();
    }

    public static IServiceCollection AddCustomers(this IServiceCollection services) =>
        services.AddScoped<SaveCustomer>().AddScoped<EndCustomerSessions>();
}
