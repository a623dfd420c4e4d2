using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Catalog;
using Paydesk.Customers;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Demo;

/// <summary>
/// The four demo tenants, written through the same commands the API uses, so the demo obeys every
/// rule a real catalog does. Written only in Development, only into an empty database.
/// </summary>
public sealed class DemoData(IServiceScopeFactory scopes, ILogger<DemoData> log)
{
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["platform"] = "sk_test_demo_platform",
        ["clinic"] = "sk_test_demo_clinic",
        ["coach"] = "sk_test_demo_coach",
        ["bot"] = "sk_test_demo_bot",
    };

    /// <summary>
    /// The demo tenants' people who sign in on the pages. The clinic's admin (password
    /// <see cref="Passwords.Demo"/>, Development only) is also the platform's customer; the
    /// customers sign in by a link sent to their email, which in Development lands in /dev/mail.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Accounts = new Dictionary<string, string>
    {
        ["clinic"] = "admin@clinic.example",
        ["platform"] = "admin@platform.example",
        ["coach"] = "sam@coach.example",
    };

    /// <summary>Each demo tenant's customer, who signs in by an emailed link.</summary>
    public static readonly IReadOnlyDictionary<string, string> Customers = new Dictionary<string, string>
    {
        ["platform"] = "admin@clinic.example",
        ["clinic"] = "maria.popescu@example.com",
        ["coach"] = "alex.morgan@example.com",
        ["bot"] = "ivan.petrov@example.com",
    };

    public async Task<bool> SeedIfEmptyAsync(CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (await scope.ServiceProvider.GetRequiredService<PaydeskDb>().Tenants.AnyAsync(ct))
                return false;
        }

        var clinic = await InTenant(new NewTenant("clinic", "Demo Physio Clinic", "RON", "Europe/Bucharest"), SeedClinic, ct);
        var platform = await InTenant(new NewTenant("platform", "Clinic Directory Platform", "RUB", "Europe/Moscow"),
            (s, ct2) => SeedPlatform(s, clinic, ct2), ct);
        var coach = await InTenant(new NewTenant("coach", "Sam Rivera Coaching", "USD", "America/New_York"), SeedCoach, ct);
        await InTenant(new NewTenant("bot", "Assistant Bot", "RUB", "Europe/Moscow"), SeedBot, ct);
        await SeedAccounts(clinic, platform, coach, ct);
        log.LogInformation("Demo data written: tenants platform, clinic, coach, bot");
        return true;
    }

    private async Task<string> InTenant(NewTenant tenant, Func<IServiceProvider, CancellationToken, Task> seed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var created = Must(await scope.ServiceProvider.GetRequiredService<CreateTenant>().Run(tenant, ct, Keys[tenant.Slug!]));
        await seed(scope.ServiceProvider, ct);
        return created.Tenant.Id;
    }

    private static async Task SeedClinic(IServiceProvider s, CancellationToken ct)
    {
        var items = s.GetRequiredService<SaveCatalogItem>();
        var plans = s.GetRequiredService<SavePlan>();

        var ana = Must(await items.CreateSpecialist(new("Dr. Ana Popescu", "Physiotherapist", "ana@clinic.example", null), ct));
        var mihai = Must(await items.CreateSpecialist(new("Mihai Ionescu", "Kinesiotherapist", "mihai@clinic.example", null), ct));
        var consultation = Must(await items.CreateService(new(
            "Consultation", "A first assessment: history, examination and a treatment plan.", 45, Ron(150_00), [ana.Id, mihai.Id],
            ["Intake questionnaire", "Consent to treatment"],
            [new("Preparing for your first visit", "https://clinic.example/docs/first-visit")],
            [new("Standard hours", null), new("Evening hours", Ron(170_00))]), ct));
        var physio = Must(await items.CreateService(new(
            "Physiotherapy session", "One 60-minute in-person session.", 60, Ron(180_00), [ana.Id, mihai.Id],
            ["Consent to treatment"], [], [new("Standard hours", null)]), ct));
        Must(await items.CreateFeature(new("telerehab", "Telerehabilitation", "access"), ct));
        Must(await items.CreateFeature(new("library", "Exercise library", "access"), ct));
        var band = Must(await items.CreateProduct(new("BAND-01", "Resistance band", "Light/medium/heavy set", Ron(45_00), 120), ct));
        Must(await items.CreateProduct(new("BALL-65", "Exercise ball", "65 cm, with pump", Ron(120_00), 40), ct));
        Must(await items.CreateProduct(new("BRACE-M", "Knee brace", "Size M", Ron(180_00), 25), ct));

        Must(await plans.Create(new("Consultation", "One 45-minute consultation.", Ron(150_00), null, null, null,
            [Sessions(consultation.Id, 1, Months(3))]), ct));
        Must(await plans.Create(new("10-session physiotherapy package", "Ten sessions, to use within 6 months.", Ron(1_500_00), null, null, null,
            [Sessions(physio.Id, 10, Months(6))]), ct));
        Must(await plans.Create(new("Monthly telerehab", "Specialist-assigned home programme, renewed monthly.", Ron(200_00), Months(1), null, null,
            [Access("telerehab")]), ct));
        Must(await plans.Create(new("Telerehab + library", "Telerehab and the self-service exercise library.", Ron(300_00), Months(1), null, null,
            [Access("telerehab"), Access("library")]), ct));
        Must(await plans.Create(new("3-month recovery program", "6 in-person sessions, telerehab for 3 months and a resistance band.",
            Ron(1_200_00), null, null, null,
            [Sessions(physio.Id, 6, Months(3)), Access("telerehab", Months(3)), new("product", null, null, null, null, null, null, null, band.Id, 1)]), ct));
        Must(await s.GetRequiredService<SaveCustomer>().Create(
            new("Maria Popescu", "maria.popescu@example.com", "+40 722 000 111", null, "ro-RO", "Europe/Bucharest"), ct));
    }

    private static async Task SeedPlatform(IServiceProvider s, string clinicTenantId, CancellationToken ct)
    {
        var items = s.GetRequiredService<SaveCatalogItem>();
        var plans = s.GetRequiredService<SavePlan>();
        Must(await items.CreateFeature(new("featured", "Featured clinic", "badge"), ct));
        Must(await items.CreateFeature(new("booking_widget", "Online booking widget", "access"), ct));
        Must(await items.CreateFeature(new("verified", "Verified clinic", "badge"), ct));

        // Longer terms cost less a month.
        Must(await plans.Create(new("Featured clinic", "Top placement in search and a badge on the clinic's page.", null, null,
            Terms(2_990_00, 2_690_00, 2_490_00, 2_190_00), null, [new("badge", null, null, null, "featured", null, null, null, null, null)]), ct));
        Must(await plans.Create(new("Online booking widget", "Patients book from the clinic's page.", null, null,
            Terms(1_990_00, 1_790_00, 1_590_00, 1_390_00), null, [Access("booking_widget")]), ct));
        Must(await plans.Create(new("Verified clinic", "A checked-licence badge.", null, null,
            Terms(990_00, 890_00, 790_00, 690_00), null, [new("badge", null, null, null, "verified", null, null, null, null, null)]), ct));

        var db = s.GetRequiredService<PaydeskDb>();
        var clinic = Must(await s.GetRequiredService<SaveCustomer>().Create(
            new("Demo Physio Clinic", "admin@clinic.example", "+40 21 000 0000", null, "ro-RO", "Europe/Bucharest"), ct));
        var row = await db.Customers.SingleAsync(c => c.Id == clinic.Id, ct);
        row.LinkedTenantId = clinicTenantId;
        await db.SaveChangesAsync(ct);
    }

    private static async Task SeedCoach(IServiceProvider s, CancellationToken ct)
    {
        var items = s.GetRequiredService<SaveCatalogItem>();
        var sam = Must(await items.CreateSpecialist(new("Sam Rivera", "Performance coach", "sam@coach.example", null), ct));
        var first = Must(await items.CreateService(new("First consultation", "A 60-minute video call to set your goals.", 60,
            new MoneyInput(30_00, "USD"), [sam.Id], ["Goals questionnaire"], [], [new("Weekdays", null)]), ct));
        Must(await s.GetRequiredService<SavePlan>().Create(new("First consultation", "Pay, then pick a slot.", new MoneyInput(30_00, "USD"),
            null, null, null, [Sessions(first.Id, 1, new IntervalInput("day", 30))]), ct));
        Must(await s.GetRequiredService<SaveCustomer>().Create(new("Alex Morgan", "alex.morgan@example.com", null, null, "en-US", "America/New_York"), ct));
    }

    private static async Task SeedBot(IServiceProvider s, CancellationToken ct)
    {
        var plans = s.GetRequiredService<SavePlan>();
        Must(await plans.Create(new("Basic", "100 tokens a month.", Rub(299_00), Months(1), null, null, [Tokens(100, "period")]), ct));
        Must(await plans.Create(new("Pro", "500 tokens a month.", Rub(990_00), Months(1), null, null, [Tokens(500, "period")]), ct));
        Must(await plans.Create(new("100 tokens", "A one-off token pack.", Rub(149_00), null, null, null, [Tokens(100, "purchase")]), ct));
        Must(await s.GetRequiredService<SaveCustomer>().Create(new("Ivan Petrov", "ivan.petrov@example.com", null, 100200300, "ru-RU", "Europe/Moscow"), ct));
    }

    /// <summary>
    /// The people who sign in: the clinic's admin works in both tenants (admin of the clinic, a
    /// customer of the platform); the platform's and the coach's admins in their own.
    /// </summary>
    private async Task SeedAccounts(string clinicTenantId, string platformTenantId, string coachTenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var ids = scope.ServiceProvider.GetRequiredService<IdGenerator>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var user = new User { Id = ids.New("usr"), Email = Accounts["clinic"], Name = "Clinic Admin", CreatedAt = now };
        Passwords.Set(user, Passwords.Demo);
        db.Users.Add(user);
        // Memberships are tenant rows: each is written under its own tenant.
        db.Tenant.Set(clinicTenantId, Role.TenantAdmin);
        db.Memberships.Add(new Membership { TenantId = clinicTenantId, Id = ids.New("mem"), UserId = user.Id, Role = Role.TenantAdmin, CreatedAt = now });
        await db.SaveChangesAsync(ct);

        await using var platformScope = scopes.CreateAsyncScope();
        var platformDb = platformScope.ServiceProvider.GetRequiredService<PaydeskDb>();
        platformDb.Tenant.Set(platformTenantId, Role.TenantAdmin);
        var clinicAsCustomer = await platformDb.Customers.SingleAsync(c => c.LinkedTenantId == clinicTenantId, ct);
        platformDb.Memberships.Add(new Membership
        {
            TenantId = platformTenantId, Id = ids.New("mem"), UserId = user.Id, Role = Role.Customer, CustomerId = clinicAsCustomer.Id, CreatedAt = now,
        });
        await platformDb.SaveChangesAsync(ct);

        // The platform's and the coach's own admins, who work in their back offices only.
        foreach (var (tenantId, key, name) in new[] { (platformTenantId, "platform", "Platform Admin"), (coachTenantId, "coach", "Sam Rivera") })
        {
            await using var own = scopes.CreateAsyncScope();
            var ownDb = own.ServiceProvider.GetRequiredService<PaydeskDb>();
            var admin = new User { Id = ids.New("usr"), Email = Accounts[key], Name = name, CreatedAt = now };
            Passwords.Set(admin, Passwords.Demo);
            ownDb.Users.Add(admin);
            ownDb.Tenant.Set(tenantId, Role.TenantAdmin);
            ownDb.Memberships.Add(new Membership { TenantId = tenantId, Id = ids.New("mem"), UserId = admin.Id, Role = Role.TenantAdmin, CreatedAt = now });
            await ownDb.SaveChangesAsync(ct);
        }
    }

    private static MoneyInput Ron(long minor) => new(minor, "RON");
    private static MoneyInput Rub(long minor) => new(minor, "RUB");
    private static IntervalInput Months(int count) => new("month", count);
    private static GrantInput Sessions(string serviceId, int count, IntervalInput validFor) => new("sessions", serviceId, count, validFor, null, null, null, null, null, null);
    private static GrantInput Access(string feature, IntervalInput? term = null) => new("access", null, null, null, feature, term, null, null, null, null);
    private static GrantInput Tokens(long amount, string every) => new("tokens", null, null, null, null, null, amount, every, null, null);

    private static List<TermInput> Terms(long month1, long month3, long month6, long month12) =>
    [
        new(1, Rub(month1)), new(3, Rub(month3 * 3)), new(6, Rub(month6 * 6)), new(12, Rub(month12 * 12)),
    ];

    private static T Must<T>(Result<T> result) =>
        result.Problem is { } p ? throw new InvalidOperationException($"Demo data is invalid: {p.Detail}") : result.Value!;
}
