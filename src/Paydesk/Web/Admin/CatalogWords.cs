using Paydesk.Api.Pages;

namespace Paydesk.Web.Admin;

/// <summary>What the back office's catalog pages say.</summary>
public sealed class CatalogWords
{
    public required string Catalog { get; init; }
    public required string Plans { get; init; }
    public required string Services { get; init; }
    public required string Products { get; init; }
    public required string Features { get; init; }
    public required string NewPlan { get; init; }
    public required string Archive { get; init; }
    public required string Archived { get; init; }
    public required string Price { get; init; }
    public required string Stock { get; init; }
    public required string Save { get; init; }
    public required string Calendars { get; init; }
    public required Func<int, string> Version { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string Pricing { get; init; }
    public required string OneTime { get; init; }
    public required string Recurring { get; init; }
    public required string ByTerm { get; init; }
    public required string Amount { get; init; }
    public required string Every { get; init; }
    public required string Unit { get; init; }
    public required string TermPrices { get; init; }
    public required string TermHint { get; init; }
    public required string TrialDays { get; init; }
    public required Func<int, string> Grant { get; init; }
    public required string Kind { get; init; }
    public required string NoGrant { get; init; }
    public required string Service { get; init; }
    public required string SessionCount { get; init; }
    public required string ValidFor { get; init; }
    public required string Feature { get; init; }
    public required string Tokens { get; init; }
    public required string TokensEvery { get; init; }
    public required string Once { get; init; }
    public required string EachPeriod { get; init; }
    public required string Product { get; init; }
    public required string Quantity { get; init; }
    public required string Create { get; init; }
    public required string Fix { get; init; }
    public required IReadOnlyDictionary<string, string> GrantKinds { get; init; }

    public static readonly Localized<CatalogWords> All = new(
        en: new()
        {
            Catalog = "Catalog", Plans = "Plans", Services = "Services", Products = "Products", Features = "Access features and badges",
            NewPlan = "New plan", Archive = "Archive", Archived = "archived", Price = "Price", Stock = "Stock", Save = "Save",
            Calendars = "Calendars", Version = v => $"price version {v}", Name = "Name", Description = "Description", Pricing = "Price",
            OneTime = "One payment", Recurring = "Recurring", ByTerm = "By term (1, 3, 6, 12 months)", Amount = "Amount", Every = "Every", Unit = "Unit of time",
            TermPrices = "Term prices", TermHint = "The price of the whole term; leave a term empty not to sell it.", TrialDays = "Free trial (days)",
            Grant = n => $"What it gives ({n})", Kind = "Kind", NoGrant = "nothing", Service = "Service", SessionCount = "Sessions",
            ValidFor = "Use within", Feature = "Feature", Tokens = "Tokens", TokensEvery = "Tokens are credited", Once = "once",
            EachPeriod = "every period", Product = "Product", Quantity = "Quantity", Create = "Create the plan",
            Fix = "The plan was not created. Fix these:",
            GrantKinds = new Dictionary<string, string>
            {
                ["sessions"] = "sessions", ["access"] = "access", ["badge"] = "badge", ["tokens"] = "tokens", ["product"] = "product",
            },
        },
        ru: new()
        {
            Catalog = "Каталог", Plans = "Тарифы", Services = "Услуги", Products = "Товары", Features = "Доступы и значки",
            NewPlan = "Новый тариф", Archive = "В архив", Archived = "в архиве", Price = "Цена", Stock = "Остаток", Save = "Сохранить",
            Calendars = "Календари", Version = v => $"версия цены {v}", Name = "Название", Description = "Описание", Pricing = "Цена",
            OneTime = "Разовый платёж", Recurring = "Регулярный", ByTerm = "По сроку (1, 3, 6, 12 месяцев)", Amount = "Сумма", Every = "Каждые", Unit = "Единица времени",
            TermPrices = "Цены сроков", TermHint = "Цена за весь срок; оставьте пустым, чтобы не продавать этот срок.", TrialDays = "Пробный период (дней)",
            Grant = n => $"Что даёт ({n})", Kind = "Вид", NoGrant = "ничего", Service = "Услуга", SessionCount = "Сеансов",
            ValidFor = "Использовать в течение", Feature = "Доступ", Tokens = "Токены", TokensEvery = "Токены начисляются", Once = "один раз",
            EachPeriod = "каждый период", Product = "Товар", Quantity = "Количество", Create = "Создать тариф",
            Fix = "Тариф не создан. Исправьте:",
            GrantKinds = new Dictionary<string, string>
            {
                ["sessions"] = "сеансы", ["access"] = "доступ", ["badge"] = "значок", ["tokens"] = "токены", ["product"] = "товар",
            },
        },
        ro: new()
        {
            Catalog = "Catalog", Plans = "Planuri", Services = "Servicii", Products = "Produse", Features = "Accese și insigne",
            NewPlan = "Plan nou", Archive = "Arhivați", Archived = "arhivat", Price = "Preț", Stock = "Stoc", Save = "Salvați",
            Calendars = "Calendare", Version = v => $"versiunea prețului {v}", Name = "Nume", Description = "Descriere", Pricing = "Preț",
            OneTime = "O singură plată", Recurring = "Recurent", ByTerm = "Pe durată (1, 3, 6, 12 luni)", Amount = "Sumă", Every = "La fiecare", Unit = "Unitatea de timp",
            TermPrices = "Prețurile duratelor", TermHint = "Prețul întregii durate; lăsați gol pentru a nu vinde durata.", TrialDays = "Probă gratuită (zile)",
            Grant = n => $"Ce oferă ({n})", Kind = "Tip", NoGrant = "nimic", Service = "Serviciu", SessionCount = "Ședințe",
            ValidFor = "De folosit în", Feature = "Acces", Tokens = "Tokeni", TokensEvery = "Tokenii se acordă", Once = "o dată",
            EachPeriod = "în fiecare perioadă", Product = "Produs", Quantity = "Cantitate", Create = "Creați planul",
            Fix = "Planul nu a fost creat. Corectați:",
            GrantKinds = new Dictionary<string, string>
            {
                ["sessions"] = "ședințe", ["access"] = "acces", ["badge"] = "insignă", ["tokens"] = "tokeni", ["product"] = "produs",
            },
        });
}
