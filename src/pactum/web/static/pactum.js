/* Pactum — optional enhancements; every page works without this file. */
(function () {
  "use strict";

  /* Objective form: walk-away points are always private, and a private objective is owned
     by someone of our own party, so partner people are not offered then. The server checks
     both rules anyway. */
  function objectiveForm(form) {
    var kind = form.querySelector("#kind");
    var privateChoice = form.querySelector("#visibility-private");
    var sharedChoice = form.querySelector("#visibility-shared");
    var owner = form.querySelector("#owner_user_id");
    var partnerGroups = form.querySelectorAll("optgroup[data-partner]");

    function sync() {
      var walkAway = kind !== null && kind.value === "walk_away";
      if (walkAway && privateChoice !== null) {
        privateChoice.checked = true;
      }
      if (sharedChoice !== null) {
        sharedChoice.disabled = walkAway;
      }
      var isPrivate = privateChoice !== null && privateChoice.checked;
      Array.prototype.forEach.call(partnerGroups, function (group) {
        group.disabled = isPrivate;
        if (isPrivate && owner !== null && owner.selectedIndex >= 0 &&
            owner.options[owner.selectedIndex].parentNode === group) {
          owner.value = "";
        }
      });
    }

    form.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("form[data-objective-form]").forEach(objectiveForm);
})();
