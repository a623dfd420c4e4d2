namespace Paydesk.Core; internal static class Placeholder {}
