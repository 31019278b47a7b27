namespace PartnerWeb.Infrastructure;

/// <summary>
/// Marks a page action that checks ModelState before anything else and re-renders its form with the messages
/// beside their fields. <see cref="RejectControlCharacters"/> then adds its refusals to ModelState and lets the
/// action answer, so the form keeps the user's input, instead of answering its bare message.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RefusalsInFormAttribute : Attribute;
