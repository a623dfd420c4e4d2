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
    public required string Edit { get; init; }
    public required Func<string, string> Revising { get; init; }
    public required string ReviseHint { get; init; }
    public required string SaveRevision { get; init; }
    public required string NotChanged { get; init; }
    public required string NewService { get; init; }
    public required string Duration { get; init; }
    public required Func<int, string> CalendarName { get; init; }
    public required Func<int, string> CalendarPrice { get; init; }
    public required string CreateService { get; init; }
    public required string NewProduct { get; init; }
    public required string Sku { get; init; }
    public required string CreateProduct { get; init; }
    public required string NewFeature { get; init; }
    public required string Key { get; init; }
    public required string KeyHint { get; init; }
    public required string CreateFeature { get; init; }
    public required IReadOnlyDictionary<string, string> FeatureKinds { get; init; }

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
            Edit = "Edit", Revising = name => $"{name}: edit", SaveRevision = "Save",
            ReviseHint = "A new price, trial or grant makes a new version of the plan: what was sold keeps its own. A new name or description changes the plan as it is.",
            NotChanged = "The plan was not changed. Fix these:",
            NewService = "New service", Duration = "Duration (minutes)", CalendarName = n => $"Calendar {n}: name",
            CalendarPrice = n => $"Calendar {n}: price (empty: the service's)", CreateService = "Create the service",
            NewProduct = "New product", Sku = "SKU", CreateProduct = "Create the product",
            NewFeature = "New access feature or badge", Key = "Key", KeyHint = "Lower-case letters, digits, - and _; the API names it by this.",
            CreateFeature = "Create the feature",
            FeatureKinds = new Dictionary<string, string> { ["access"] = "access", ["badge"] = "badge" },
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
            Edit = "Изменить", Revising = name => $"{name}: изменение", SaveRevision = "Сохранить",
            ReviseHint = "Новая цена, пробный период или состав дают новую версию тарифа: проданное остаётся со своей. Новое название или описание меняют тариф как есть.",
            NotChanged = "Тариф не изменён. Исправьте:",
            NewService = "Новая услуга", Duration = "Длительность (минут)", CalendarName = n => $"Календарь {n}: название",
            CalendarPrice = n => $"Календарь {n}: цена (пусто — цена услуги)", CreateService = "Создать услугу",
            NewProduct = "Новый товар", Sku = "Артикул", CreateProduct = "Создать товар",
            NewFeature = "Новый доступ или значок", Key = "Ключ", KeyHint = "Строчные латинские буквы, цифры, - и _; по нему его называет API.",
            CreateFeature = "Создать",
            FeatureKinds = new Dictionary<string, string> { ["access"] = "доступ", ["badge"] = "значок" },
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
            Edit = "Modificați", Revising = name => $"{name}: modificare", SaveRevision = "Salvați",
            ReviseHint = "Un preț, o probă sau un conținut nou fac o versiune nouă a planului: ce s-a vândut o păstrează pe a sa. Un nume sau o descriere nouă schimbă planul așa cum este.",
            NotChanged = "Planul nu a fost modificat. Corectați:",
            NewService = "Serviciu nou", Duration = "Durata (minute)", CalendarName = n => $"Calendarul {n}: nume",
            CalendarPrice = n => $"Calendarul {n}: preț (gol: al serviciului)", CreateService = "Creați serviciul",
            NewProduct = "Produs nou", Sku = "Cod produs (SKU)", CreateProduct = "Creați produsul",
            NewFeature = "Acces sau insignă nouă", Key = "Cheie", KeyHint = "Litere mici latine, cifre, - și _; API-ul îl numește așa.",
            CreateFeature = "Creați",
            FeatureKinds = new Dictionary<string, string> { ["access"] = "acces", ["badge"] = "insignă" },
            GrantKinds = new Dictionary<string, string>
            {
                ["sessions"] = "ședințe", ["access"] = "acces", ["badge"] = "insignă", ["tokens"] = "tokeni", ["product"] = "produs",
            },
        });
}
