using Paydesk.Api.Pages;

namespace Paydesk.Web.Account;

/// <summary>What the customer's account page says.</summary>
public sealed class AccountWords
{
    public required string Title { get; init; }
    public required string Entitlements { get; init; }
    public required string NoEntitlements { get; init; }
    public required string ClinicProfile { get; init; }

    public static readonly Localized<AccountWords> All = new(
        en: new() { Title = "Your account", Entitlements = "What you have", NoEntitlements = "Nothing is active yet.", ClinicProfile = "Your clinic's profile and paid services" },
        ru: new() { Title = "Личный кабинет", Entitlements = "Что у вас есть", NoEntitlements = "Пока ничего не активно.", ClinicProfile = "Профиль клиники и платные услуги" },
        ro: new() { Title = "Contul dvs.", Entitlements = "Ce aveți", NoEntitlements = "Nu este nimic activ încă.", ClinicProfile = "Profilul clinicii și serviciile plătite" });
}
