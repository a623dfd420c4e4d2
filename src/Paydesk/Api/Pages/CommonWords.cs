namespace Paydesk.Api.Pages;

/// <summary>The words every page's frame shares.</summary>
public sealed class CommonWords
{
    public required string SkipToContent { get; init; }
    public required string Language { get; init; }
    public required string NotFound { get; init; }
    public required string NotFoundText { get; init; }

    public static readonly Localized<CommonWords> All = new(
        en: new()
        {
            SkipToContent = "Skip to content",
            Language = "Language",
            NotFound = "Page not found",
            NotFoundText = "There is nothing here, or the link has expired.",
        },
        ru: new()
        {
            SkipToContent = "Перейти к содержимому",
            Language = "Язык",
            NotFound = "Страница не найдена",
            NotFoundText = "Здесь ничего нет, или срок действия ссылки истёк.",
        },
        ro: new()
        {
            SkipToContent = "Salt la conținut",
            Language = "Limba",
            NotFound = "Pagina nu a fost găsită",
            NotFoundText = "Aici nu este nimic sau linkul a expirat.",
        });
}
