document.getElementById('calc').addEventListener('submit', (event) => {
  event.preventDefault();
  const bill = Number(document.getElementById('bill').value);
  const tip = Number(document.getElementById('tip').value);
  const people = Number(document.getElementById('people').value);
  const total = bill * (1 + tip / 100);
  const share = total / people;
  document.getElementById('share').textContent = share.toFixed(2);
});
